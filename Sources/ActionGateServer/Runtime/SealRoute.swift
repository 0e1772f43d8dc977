import ActionGateCore
import ActionGateCrypto
import Synchronization

/// `POST /v1/seal` on the admin listener: seals bound arguments for a handler rendering a page.
///
/// It requires `Authorization: Bearer <admin.token_file contents>` (compared in constant time); with
/// no token file configured the endpoint answers 404 `seal_disabled`, so a loopback listener alone
/// never grants sealing.
enum SealRoute {
    static func route(current: @escaping @Sendable () -> LoadedGateway, clock: @escaping @Sendable () -> Int64) -> AdminRoute {
        AdminRoute(method: "POST", path: "/v1/seal") { request in
            let loaded = current()
            guard let token = loaded.adminToken else { return error(404, "seal_disabled") }
            guard let presented = bearerToken(request.headers), ConstantTime.equals(presented, token) else {
                var response = error(401, "unauthorized")
                response.headers.add("WWW-Authenticate", "Bearer")
                return response
            }
            do throws(BoundArgumentsError) {
                let body = try SealRequest(parsing: request.body).seal(with: loaded.snapshot.gate, now: clock())
                return AdminResponse.json(status: 200, body)
            } catch {
                return Self.error(status(for: error), error.code)
            }
        }
    }

    static func status(for error: BoundArgumentsError) -> Int {
        switch error {
        case .argumentsTooLarge: 413
        case .noActiveKey, .sealFailed: 503
        case .invalidRequest, .unknownAction, .invalidTTL, .invalidSubject: 400
        }
    }

    static func error(_ status: Int, _ code: String) -> AdminResponse {
        AdminResponse.json(status: status, "{\"error\":\"\(code)\"}")
    }

    static func bearerToken(_ headers: HeaderFields) -> [UInt8]? {
        let values = headers.values("Authorization")
        guard values.count == 1 else { return nil }
        let value = values[0]
        guard value.utf8.count > 7, String(value.prefix(7)).asciiCaseInsensitiveEquals("Bearer ") else { return nil }
        return Array(value.utf8.dropFirst(7))
    }
}
