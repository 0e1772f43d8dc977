import Testing

@testable import ActionGateCore

@Suite("SetCookie")
struct CookieHeaderSetCookieTests {
    @Test func sessionCookieHasEveryAttribute() throws {
        let value = try SetCookie.session(name: "__Host-actiongate", value: "AQEAAAAB_-x", maxAge: 28_800)
        #expect(value == "__Host-actiongate=AQEAAAAB_-x; Max-Age=28800; Path=/; Secure; HttpOnly; SameSite=Lax")
    }

    @Test func insecureVariantForLocalHTTP() throws {
        let value = try SetCookie.session(name: "actiongate", value: "t", maxAge: 60, secure: false)
        #expect(value == "actiongate=t; Max-Age=60; Path=/; HttpOnly; SameSite=Lax")
    }

    @Test func negativeMaxAgeExpiresNow() throws {
        #expect(try SetCookie.session(name: "s", value: "t", maxAge: -5).hasPrefix("s=t; Max-Age=0;"))
    }

    @Test func expiringCookie() throws {
        #expect(
            try SetCookie.expiring(name: "__Host-actiongate")
                == "__Host-actiongate=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax")
    }

    @Test(arguments: ["", "a b", "a;b", "a=b", "a,b", "a\"b", "a\r\nSet-Cookie: x", "caf\u{e9}", "(a)"])
    func refusesInvalidNames(_ name: String) {
        #expect(throws: SetCookieError.invalidName) { try SetCookie.session(name: name, value: "t", maxAge: 1) }
        #expect(throws: SetCookieError.invalidName) { try SetCookie.expiring(name: name) }
    }

    @Test(arguments: ["a b", "a;b", "a,b", "a\"b", "a\\b", "a\r\nx", "\u{7F}", "caf\u{e9}", "a\tb"])
    func refusesInvalidValues(_ value: String) {
        #expect(throws: SetCookieError.invalidValue) { try SetCookie.session(name: "s", value: value, maxAge: 1) }
    }

    struct Named: Sendable, CustomTestStringConvertible {
        var setCookie: String
        var name: String
        var testDescription: String { setCookie }
    }

    static let names: [Named] = [
        Named(setCookie: "a=1", name: "a"),
        Named(setCookie: "__Host-actiongate=x; Path=/; Secure", name: "__Host-actiongate"),
        Named(setCookie: "  spaced \t= v", name: "spaced"),
        Named(setCookie: "a=b=c; x=y", name: "a"),
        Named(setCookie: "=v", name: ""),
        Named(setCookie: "novalue", name: ""),
        Named(setCookie: "noequals; Path=/; x=y", name: ""),
        Named(setCookie: "", name: ""),
        Named(setCookie: "  ", name: ""),
    ]

    @Test(arguments: names)
    func readsTheCookieNameOfAnUpstreamSetCookie(_ example: Named) {
        #expect(SetCookie.cookieName(of: example.setCookie) == example.name)
    }

    @Test func builtCookieRoundTripsThroughTheParsers() throws {
        let built = try SetCookie.session(name: "__Host-actiongate", value: "tok", maxAge: 10)
        #expect(SetCookie.cookieName(of: built) == "__Host-actiongate")
        let pair = String(built.prefix { $0 != ";" })
        #expect(CookieHeader([pair]).lookup("__Host-actiongate") == .found("tok"))
    }
}
