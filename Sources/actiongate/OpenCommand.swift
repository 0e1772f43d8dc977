import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate open`: open a token as the gateway would and print its plaintext, or the check that
/// failed.
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open a token and print its plaintext {\"iat\", \"exp\", \"data\"}.",
        discussion: """
            Exit codes: 0 opened; 1 refused, with the failing check's code on stderr (malformed, \
            wrong_purpose, unknown_key, bad_tag, bad_payload, expired, not_yet_valid); 2 usage or I/O error.
            """)

    @OptionGroup var location: KeyringLocation
    @OptionGroup var context: SealCommand.ContextOptions

    @Argument(help: ArgumentHelp("The token.", valueName: "token"))
    var token: String

    func run() throws {
        try KeysCommand.reporting {
            let resolved = try location.resolve(lifetimes: .informative)
            let tokenContext = try context.tokenContext(defaultCookie: resolved.sessionCookie)
            let keyring = try KeyringFile.load(from: resolved.keyringPath)
            let now = context.now ?? Int64(Date().timeIntervalSince1970)
            let opened: OpenedToken
            do throws(TokenError) {
                opened = try SealedToken.open(
                    token, context: tokenContext, keys: keyring, now: now,
                    skew: resolved.lifetimes.clockSkew.components.seconds)
            } catch {
                // The code first, so scripts can read it; never the token itself.
                FileHandle.standardError.write(Data("\(error.code): \(Self.explain(error))\n".utf8))
                throw ExitCode(error == .cryptoFailure ? 2 : 1)
            }
            print(Self.plaintext(opened))
        }
    }

    /// `{"iat":…,"exp":…[,"auth_time":…],"data":…}` with `data` exactly as it was sealed.
    static func plaintext(_ opened: OpenedToken) -> String {
        var text = "{\"iat\":\(opened.iat),\"exp\":\(opened.exp)"
        if let authTime = opened.authTime { text += ",\"auth_time\":\(authTime)" }
        return text + ",\"data\":" + String(decoding: opened.rawData, as: UTF8.self) + "}"
    }

    static func explain(_ error: TokenError) -> String {
        switch error {
        case .malformed: "not an ActionGate v1 token (base64url, length, version or purpose byte)."
        case .wrongPurpose: "a token of the other purpose (session versus bound arguments)."
        case .unknownKey: "sealed with a key this keyring does not have (never had, or retired)."
        case .badTag: "does not verify: forged, altered, or sealed for another cookie name, action or subject."
        case .badPayload: "authentic, but the plaintext is not {\"iat\", \"exp\", \"data\"}."
        case .expired: "expired (now is past exp plus the clock skew)."
        case .notYetValid: "issued in the future (iat is past now plus the clock skew)."
        case .cryptoFailure: "OpenSSL failed while opening: a local fault, not the token's; retry."
        }
    }
}
