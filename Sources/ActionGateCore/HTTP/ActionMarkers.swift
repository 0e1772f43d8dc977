import ActionGateCrypto

/// The actions a form body names through React's progressive-enhancement fields, and the sealed
/// bound-arguments token it carries.
///
/// React's `decodeAction` (facebook/react, packages/react-server/src/ReactFlightActionServer.js)
/// walks the fields in order and the last marker wins ("Later actions may override earlier actions
/// if a button is used to override the default form action"): `$ACTION_ID_<id>` names `<id>`;
/// `$ACTION_REF_<p>` names the action whose id is in the descriptor field `$ACTION_<p>:0`
/// (`{"id":"<id>","bound":"$@1"}`). Before calling it, Next.js's `areAllActionIdsValid` and
/// `isInvalidStringActionDescriptor` (vercel/next.js, packages/next/src/server/app-render/
/// action-handler.ts; at commit aae4179ac628e55483b62cd023a7e1827dcef122, lines 1467–1576)
/// require: every id named known; at most two `$ACTION_REF_` fields ("one from <form action>
/// and one from <input type=submit formAction>"), counting repeats; exactly one
/// `$ACTION_<p>:0` per reference, a string (not a file); a descriptor that begins `{"id":"`,
/// whose id runs to the next `"`. This type applies those structural rules and returns EVERY id
/// named, in order; the Gate checks each is known and that they agree (DESIGN.md: conflicting
/// names → `ambiguous_action`).
///
/// `$ACTION_KEY` (React's `decodeFormState` key for `useActionState`) and `$ACTION_<p>:<n>` (bound
/// values) name no action and are ignored here. `$ACTION_BOUND` is the gateway's own sealed token.
public struct ActionMarkers: Sendable, Equatable {
    /// Where an id was named.
    public enum Source: String, Sendable, Equatable {
        /// A `$ACTION_ID_<id>` field name.
        case idField = "action_id_field"
        /// The `$ACTION_<p>:0` descriptor of a `$ACTION_REF_<p>` field.
        case referenceDescriptor = "action_ref_descriptor"
    }

    /// One action named by the body.
    public struct Marker: Sendable, Equatable {
        /// The action id as named.
        public var id: String
        /// Its shape (Next.js or configured).
        public var shape: ActionIDShape
        /// Where it was named.
        public var source: Source

        /// A marker.
        public init(id: String, shape: ActionIDShape, source: Source) {
            self.id = id
            self.shape = shape
            self.source = source
        }
    }

    /// The field carrying the gateway's sealed bound-arguments token.
    public static let boundArgumentsField = "$ACTION_BOUND"
    private static let idPrefix: [UInt8] = Array("$ACTION_ID_".utf8)
    private static let referencePrefix: [UInt8] = Array("$ACTION_REF_".utf8)
    private static let descriptorPrefix: [UInt8] = Array(#"{"id":""#.utf8)

    /// Every action named, in field order (the last is the one React would run).
    public let markers: [Marker]
    /// The `$ACTION_BOUND` token, when the body has one.
    public let boundArguments: String?
    /// True when the body has any `$ACTION_`-prefixed field, marker or not (passthrough routes
    /// refuse such bodies).
    public let hasActionFields: Bool

    /// The ids named, in order.
    public var ids: [String] { markers.map(\.id) }
    /// The id React would run (the last marker), if any.
    public var effectiveID: String? { markers.last?.id }

    /// Reads the markers from parsed form fields.
    ///
    /// - Throws: `ActionMarkerError`: malformed markers are 400 `invalid_action_id`; a malformed or
    ///   repeated `$ACTION_BOUND` is 403 `bound_args_rejected`.
    public init(_ fields: FormFields) throws(ActionMarkerError) {
        var markers: [Marker] = []
        var bound: String?
        var references = 0
        for field in fields.actionFields {
            if field.name == Self.boundArgumentsField {
                guard bound == nil else { throw .duplicateBoundArguments }
                guard !field.isFile, !field.isTruncated else { throw .malformedBoundArguments }
                bound = String(decoding: field.value, as: UTF8.self)
                continue
            }
            let name = field.name.utf8
            if name.starts(with: Self.idPrefix) {
                let id = String(decoding: name.dropFirst(Self.idPrefix.count), as: UTF8.self)
                guard let shape = ActionIDShape.of(id) else { throw .malformedID }
                markers.append(Marker(id: id, shape: shape, source: .idField))
            } else if name.starts(with: Self.referencePrefix) {
                references &+= 1
                guard references <= 2 else { throw .tooManyReferences }
                let prefix = String(decoding: name.dropFirst(Self.referencePrefix.count), as: UTF8.self)
                markers.append(try Self.descriptorMarker(fields, named: "$ACTION_" + prefix + ":0"))
            }
        }
        self.markers = markers
        self.boundArguments = bound
        self.hasActionFields = !fields.actionFields.isEmpty
    }

    /// The id in the one descriptor field named `name`: `{"id":"<id>"…`.
    ///
    /// Next.js checks the id it finds after `{"id":"` (up to the next `"`), but React runs the
    /// action `JSON.parse` gives, where a repeated key wins: `{"id":"<public>","id":"<admin>"}` (or
    /// with the second key spelled `"\u0069d"`) would be checked as one action and run as another.
    /// So the whole descriptor must also be one strict JSON object (no duplicate key after decoding
    /// escapes, nothing after it, not cut short) whose `id` is exactly the prefix's id.
    private static func descriptorMarker(_ fields: FormFields, named name: String) throws(ActionMarkerError) -> Marker {
        var descriptor: FormFields.ActionField?
        for field in fields.actionFields where field.name == name {
            guard descriptor == nil else { throw .duplicateDescriptor }
            descriptor = field
        }
        guard let descriptor else { throw .missingDescriptor }
        guard !descriptor.isFile else { throw .descriptorNotText }
        let value = descriptor.value
        guard value.starts(with: descriptorPrefix) else { throw .malformedDescriptor }
        let start = descriptorPrefix.count
        guard let end = value[start...].firstIndex(of: ASCII.quote) else { throw .malformedDescriptor }
        let shape = value[start..<end].withUnsafeBufferPointer { ActionIDShape.of($0) }
        guard let shape else { throw .malformedID }
        guard !descriptor.isTruncated, case .object(let members)? = try? JSONValue(parsing: value),
            case .string(let parsedID)? = members["id"], parsedID.utf8.elementsEqual(value[start..<end])
        else { throw .malformedDescriptor }
        return Marker(
            id: String(decoding: value[start..<end], as: UTF8.self), shape: shape, source: .referenceDescriptor)
    }
}

/// Why a body's action markers were refused.
public enum ActionMarkerError: String, Error, Sendable, Equatable, CaseIterable {
    /// An id (field name or descriptor) without an `ActionIDShape`.
    case malformedID = "malformed_id"
    /// More than two `$ACTION_REF_` fields.
    case tooManyReferences = "too_many_references"
    /// A `$ACTION_REF_<p>` without a `$ACTION_<p>:0` field.
    case missingDescriptor = "missing_descriptor"
    /// More than one `$ACTION_<p>:0` field for one reference.
    case duplicateDescriptor = "duplicate_descriptor"
    /// The descriptor is a file part, not a string.
    case descriptorNotText = "descriptor_not_text"
    /// The descriptor does not begin `{"id":"<id>"`, or is not one strict JSON object whose only
    /// `id` is that id.
    case malformedDescriptor = "malformed_descriptor"
    /// More than one `$ACTION_BOUND` field.
    case duplicateBoundArguments = "duplicate_bound_arguments"
    /// `$ACTION_BOUND` is a file part or longer than the kept value cap.
    case malformedBoundArguments = "malformed_bound_arguments"

    /// The rejection this error leads to.
    public var reason: RejectionReason {
        switch self {
        case .duplicateBoundArguments, .malformedBoundArguments: .boundArgsRejected
        default: .invalidActionID
        }
    }
}
