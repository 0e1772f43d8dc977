import ActionGateCrypto

extension Gate {
    /// Finishes a request whose body the head phase asked for: identification from `$ACTION_` form
    /// fields (DESIGN.md "What counts as an action"), the action's own body limit, then steps 9–11.
    /// Session cookies are opened through `sessionCache` when given (see `SessionCache`).
    public func evaluateBody(_ pending: PendingRequest, body: [UInt8], now: Int64, sessionCache: SessionCache?)
        -> Verdict
    {
        let head = pending.head
        let context = pending.state.context
        guard body.count <= pending.limit else {
            return .reject(Rejection(.bodyTooLarge, action: pending.state.action?.id))
        }
        var markers: ActionMarkers?
        switch Self.bodyKind(head.headers) {
        case .unreadable:
            // Only an encoded form gets here (the head refused the rest): its fields could name another action.
            return .reject(Rejection(.malformedRequest, detail: "encoded form", action: pending.state.action?.id))
        case .other:
            break
        case .form(let type):
            do {
                let fields =
                    type.mediaType == "multipart/form-data"
                    ? try MultipartForm.parse(body, contentType: type, limits: formLimits)
                    : try URLEncodedForm.parse(body, limits: formLimits)
                markers = try ActionMarkers(fields)
            } catch let error as ActionMarkerError {
                return .reject(
                    Rejection(error.reason, detail: "form: \(error.rawValue)", action: pending.state.action?.id))
            } catch {
                return .reject(Rejection(.malformedRequest, detail: "form: \(error)", action: pending.state.action?.id))
            }
        }
        var action = pending.state.action
        if let markers, !markers.markers.isEmpty {
            for marker in markers.markers {
                guard let named = configuration.action(id: marker.id) else {
                    return .reject(Rejection(.unknownAction, detail: "form field names an unknown action"))
                }
                if let known = action, known.id != named.id {
                    return .reject(Rejection(.ambiguousAction, detail: "form fields, header or path disagree"))
                }
                action = named
            }
        } else if action == nil, markers?.hasActionFields == true {
            return .reject(Rejection(.unknownAction, detail: "$ACTION_ fields without an action id"))
        }
        guard let action else {
            // A form that names no action: what it would have been without the body.
            return unidentifiedForm(head, context: context, body: body, now: now)
        }
        if pending.state.action == nil {
            // Identified only now: the checks the head phase could not run.
            if let rejection = checkInvocation(head, action: action) { return .reject(rejection) }
        }
        guard body.count <= action.maxBody.bytes else { return .reject(Rejection(.bodyTooLarge, action: action.id)) }
        return finish(
            head, context: context, action: action, body: body, markers: markers, now: now, sessionCache: sessionCache)
    }

    /// A form body without `$ACTION_` fields on a request the head did not tie to an action.
    func unidentifiedForm(_ head: RequestHead, context: RequestContext, body: [UInt8], now: Int64) -> Verdict {
        switch context.route.mode {
        case .passthrough:
            guard context.route.methods.contains(head.method) else {
                let allow = HeaderFields([("Allow", context.route.methods.joined(separator: ", "))])
                return .reject(Rejection(.methodNotAllowed, headers: allow, detail: "passthrough route"))
            }
            return passthrough(head, context: context, body: .buffered(body))
        case .actions:
            return .reject(Rejection(.unknownAction, detail: "no action named"))
        }
    }
}
