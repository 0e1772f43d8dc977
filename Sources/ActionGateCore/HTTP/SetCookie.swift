/// `Set-Cookie` values: building the gateway's session cookie, and reading the name of an
/// upstream's cookie (to drop any that would overwrite the session cookie).
public enum SetCookie {
    /// The session cookie: `name=value; Max-Age=N; Path=/; Secure; HttpOnly; SameSite=Lax`.
    ///
    /// - Parameters:
    ///   - maxAge: seconds until the token's `exp`; negative values become 0 (expire now).
    ///   - secure: leave `true`; `false` only for local plain-HTTP setups, and never with a
    ///     `__Host-`/`__Secure-` name (browsers reject those without `Secure`).
    /// - Throws: `SetCookieError` when the name is not a token or the value has bytes a cookie
    ///   value cannot carry: a header must never be injectable through these arguments.
    public static func session(name: String, value: String, maxAge: Int64, secure: Bool = true) throws(SetCookieError)
        -> String
    {
        guard isValidName(name) else { throw .invalidName }
        guard isValidValue(value) else { throw .invalidValue }
        return name + "=" + value + "; Max-Age=" + String(max(0, maxAge)) + attributes(secure: secure)
    }

    /// A value that deletes the session cookie (logout, or a cookie that failed to open):
    /// `name=; Max-Age=0; Path=/; …` with the same attributes, as browsers match on them.
    public static func expiring(name: String, secure: Bool = true) throws(SetCookieError) -> String {
        guard isValidName(name) else { throw .invalidName }
        return name + "=; Max-Age=0" + attributes(secure: secure)
    }

    /// The cookie name of an upstream `Set-Cookie` value, as a browser reads it (RFC 6265bis §5.7):
    /// the text before the first `=` of the part before the first `;`, trimmed of SP/HTAB. A value
    /// without `=` sets a cookie with an empty name, so the result is `""`.
    public static func cookieName(of setCookieValue: String) -> String {
        setCookieValue.withUTF8Buffer { bytes in
            var end = 0
            while end < bytes.count && bytes[end] != ASCII.semicolon && bytes[end] != ASCII.equals { end &+= 1 }
            guard end < bytes.count, bytes[end] == ASCII.equals else { return "" }
            return bytes.string(ASCII.trimmedOWS(bytes, 0..<end))
        }
    }

    private static func attributes(secure: Bool) -> String {
        secure ? "; Path=/; Secure; HttpOnly; SameSite=Lax" : "; Path=/; HttpOnly; SameSite=Lax"
    }

    /// RFC 6265 `cookie-name`: a non-empty token.
    public static func isValidName(_ name: String) -> Bool {
        name.withUTF8Buffer { bytes in !bytes.isEmpty && bytes.allSatisfy(ASCII.isTokenByte) }
    }

    /// RFC 6265 `cookie-octet`s only: no CTL, space, DQUOTE, comma, semicolon or backslash.
    static func isValidValue(_ value: String) -> Bool {
        value.withUTF8Buffer { bytes in
            bytes.allSatisfy { byte in
                byte > 0x20 && byte < 0x7F && byte != ASCII.quote && byte != ASCII.comma
                    && byte != ASCII.semicolon && byte != ASCII.backslash
            }
        }
    }
}

/// Why a `Set-Cookie` value could not be built (a configuration or programming error, not input).
public enum SetCookieError: String, Error, Sendable, Equatable, CaseIterable {
    /// The cookie name is empty or not an RFC 6265 token; fix `session.cookie` in the configuration.
    case invalidName = "invalid_cookie_name"
    /// The value has a byte outside RFC 6265 `cookie-octet`.
    case invalidValue = "invalid_cookie_value"
}
