import ActionGateCore
import ActionGateCrypto

/// Who is using the demo page, as the gateway told the app.
///
/// `X-ActionGate-Subject` and `X-ActionGate-Claims` come only from the gateway: it strips every
/// client-sent `X-ActionGate-*` header. The app is reachable only through the gateway (it listens on
/// a loopback port nobody is told about), which is what makes these headers trustworthy.
struct DemoVisitor: Sendable, Equatable {
    /// The session's `sub`, or nil when the visitor is not signed in.
    var subject: String?
    /// The session's `roles` claim (strings only).
    var roles: [String]

    var isAdmin: Bool { roles.contains("admin") }

    init(subject: String?, roles: [String] = []) {
        self.subject = subject
        self.roles = roles
    }

    /// Reads the identity headers; malformed claims count as no roles.
    init(headers: HeaderFields) {
        let subjects = headers.values(GatewayHeaders.subject)
        subject = subjects.count == 1 && !subjects[0].isEmpty ? subjects[0] : nil
        roles = []
        guard subject != nil, let encoded = headers.first(GatewayHeaders.claims),
            let bytes = try? Base64URL.decode(encoded), let claims = try? JSONValue(parsing: bytes),
            case .object(let members) = claims
        else { return }
        switch members["roles"] {
        case .array(let values)?:
            roles = values.compactMap { value in
                if case .string(let role) = value { return role }
                return nil
            }
        case .string(let role)?: roles = [role]
        default: break
        }
    }
}
