import Testing

@testable import ActionGateCrypto

/// `TokenPayload` reads the plaintext members in one pass and validates `data` without building it; its
/// verdict must be exactly what the payload rules say when applied to the fully parsed plaintext.
@Suite struct TokenPayloadTests {
    struct Expected: Equatable {
        var iat: Int64
        var exp: Int64
        var authTime: Int64?
        var data: JSONValue
    }

    /// The payload rules applied to `JSONValue(parsing:)`'s view of the plaintext; nil means `badPayload`.
    static func reference(_ plaintext: [UInt8]) -> Expected? {
        func timestamp(_ value: JSONValue?) -> Int64? {
            guard case .number(let number)? = value, number.rounded(.towardZero) == number,
                number.magnitude <= 9_007_199_254_740_992
            else { return nil }
            return Int64(number)
        }
        guard case .object(let members)? = try? JSONValue(parsing: plaintext), let data = members["data"],
            let iat = timestamp(members["iat"]), let exp = timestamp(members["exp"])
        else { return nil }
        var authTime: Int64?
        if let value = members["auth_time"] {
            guard let time = timestamp(value) else { return nil }
            authTime = time
        }
        return Expected(iat: iat, exp: exp, authTime: authTime, data: data)
    }

    /// What `TokenPayload` makes of the plaintext; nil means it threw `badPayload`.
    static func scanned(_ plaintext: [UInt8]) -> Expected? {
        plaintext.withUnsafeBytes { buffer -> Expected? in
            let payload: TokenPayload
            do throws(TokenError) { payload = try TokenPayload(buffer) } catch {
                #expect(error == .badPayload)
                return nil
            }
            // `data` comes back as bytes; it must parse on its own (what `OpenedToken.data` does).
            guard let data = try? JSONValue(parsing: Array(buffer[payload.dataRange])) else {
                Issue.record("the data range does not parse: \(payload.dataRange)")
                return nil
            }
            return Expected(iat: payload.iat, exp: payload.exp, authTime: payload.authTime, data: data)
        }
    }

    static let plaintexts: [String] = [
        #"{"iat":1,"exp":2,"data":null}"#, #" { "data" : [ 1 , {"k":"v"} ] , "exp" : 2 , "iat" : -1 } "#,
        #"{"iat":1,"exp":2,"data":"x","auth_time":0}"#, #"{"iat":1e1,"exp":2.0E1,"data":0}"#,
        #"{"i\u0061t":1,"\u0065xp":2,"d\u0061ta":3,"auth\u005ftime":4}"#,  // escaped names are the names
        #"{"iat":1,"exp":2,"data":1,"\u0064ata":2}"#,  // a duplicate spelled differently
        #"{"iat":1,"exp":2,"data":1,"x":1,"\u0078":2}"#,  // a duplicate among ignored members
        #"{"iat":1,"exp":2,"data":1,"é":1,"e\u0301":2}"#,  // canonically equal names are duplicates
        #"{"iat":1,"exp":2,"data":1,"iät":1,"IAT":5,"iat ":"x"}"#,  // near misses are ignored members
        #"{"iat":1,"exp":2,"data":{"a":1,"a":2}}"#,  // duplicates inside data
        #"{"iat":1,"exp":2,"data":1,"x":{"a":[1,2,{"b":1,"b":1}]}}"#,  // … and inside ignored members
        #"{"iat":1,"exp":2,"data":"\ud800"}"#, #"{"iat":1,"exp":2,"data":"\ud83d\ude00"}"#,
        #"{"iat":1,"exp":2,"data":1e999}"#, #"{"iat":1,"exp":2,"data":01}"#, #"{"iat":1,"exp":2,"data":[1,]}"#,
        #"{"iat":"1","exp":2,"data":1}"#, #"{"iat":1,"exp":2.5,"data":1}"#, #"{"iat":true,"exp":2,"data":1}"#,
        #"{"iat":1,"exp":9007199254740992,"data":1}"#, #"{"iat":1,"exp":9007199254740994,"data":1}"#,
        #"{"iat":-9007199254740992,"exp":2,"data":1}"#, #"{"iat":1,"exp":2,"data":1,"auth_time":null}"#,
        #"{"iat":1,"exp":2}"#, #"{"iat":1,"data":1}"#, #"{"exp":2,"data":1}"#, "{}", "[]", "null", "", "{",
        #"{"iat":1,"exp":2,"data":1}x"#, #"{"iat":1,"exp":2,"data":1,}"#, #"{"iat":1,"exp":2,"data":1"#,
        #"{"iat":1,"iat":1,"exp":2,"data":1}"#, #"{"iat":1,"exp":2,"data":1,"auth_time":1,"auth_time":1}"#,
        #"{"iat" 1,"exp":2,"data":1}"#, #"{iat:1,"exp":2,"data":1}"#, #"{"iat":1,"exp":2,"data":-}"#,
        // The layout `seal` writes, and near misses of it (each must fall back to the general scan).
        #"{"iat":-5,"exp":-1,"auth_time":-9,"data":{"a":[1,{"b":"c"}]}}"#, #"{"iat":1,"exp":2,"data":1} "#,
        #"{"iat":1,"exp":2,"data":1,"x":2}"#, #"{"iat":1,"exp":2,"auth_time":3,"data":1,"auth_time":3}"#,
        #"{"iat":1,"exp":2,"data":1}}"#, #"{"iat":1,"exp":2,"data": 1}"#, #"{"iat":1,"exp":2,"data":"#,
        #"{"iat":1,"exp":2,"auth_time":"x","data":1}"#, #"{"iat":1,"exp":2,"data":"\u0000"}"#,
        #"{"iat":01,"exp":2,"data":1}"#, #"{"iat":1.5,"exp":2,"data":1}"#, #"{"iat":1,"exp":2,"data":1,"iat":1}"#,
        #"{"iat":12345678901234567890,"exp":2,"data":1}"#, #"{"iat":1e3,"exp":2e3,"data":[]}"#,
    ]

    @Test(arguments: plaintexts)
    func payloadScanAgreesWithTheFullParse(plaintext: String) {
        let bytes = Array(plaintext.utf8)
        #expect(Self.scanned(bytes) == Self.reference(bytes), "\(plaintext)")
    }

    @Test func dataNestedToTheLimitIsMeasuredFromThePlaintext() {
        // The plaintext object is depth 1, so `data` may nest 63 more levels, not 64.
        for depth in [62, 63, 64] {
            let data = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let bytes = Array(#"{"iat":1,"exp":2,"data":\#(data)}"#.utf8)
            #expect(Self.scanned(bytes) == Self.reference(bytes))
            #expect((Self.scanned(bytes) != nil) == (depth < JSONValue.maximumDepth))
        }
    }

    /// Valid payloads around random data, mutated: the verdicts agree on every mutant.
    @Test func payloadScanAgreesWithTheFullParseOnRandomMutations() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = Array(#"{}[],:"\u0061.eE-+1 x"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for round in 0..<300 {
            let data: [UInt8] = JSONSerializerTests.randomValue(depth: 0, using: &generator).serialized()
            let authTime = round.isMultiple(of: 3) ? #","auth_time":1699990000"# : ""
            let document = Array(#"{"iat":1700000000,"exp":1700000600\#(authTime),"data":"#.utf8) + data + [0x7D]
            #expect(Self.scanned(document) == Self.reference(document))
            for _ in 0..<20 {
                var mutant = document
                let position = Int.random(in: 0...mutant.count, using: &generator)
                let byte = interesting.randomElement(using: &generator) ?? 0
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where position < mutant.count: mutant[position] = byte
                case 1: mutant.insert(byte, at: position)
                default: if position < mutant.count { mutant.remove(at: position) }
                }
                let expected = Self.reference(mutant)
                #expect(Self.scanned(mutant) == expected, "\(String(decoding: mutant, as: UTF8.self))")
                if expected != nil { accepted += 1 }
            }
        }
        #expect(accepted > 100)  // some mutants stay valid, so acceptance is compared too
    }
}
