import ActionGateCore
import ActionGateCrypto
import ArgumentParser
import Foundation

/// `actiongate seal`: seal a session or bound-arguments token with the keyring's active key, for
/// operators and for other languages' interoperability tests.
struct SealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal a session or bound-arguments token with the active key and print it.",
        discussion: "Exit codes: 0 sealed, 1 invalid keyring, 2 usage or I/O error.")

    @OptionGroup var location: KeyringLocation
    @OptionGroup var context: ContextOptions

    @Option(help: ArgumentHelp("How long the token is valid (30s, 10m, 8h, 7d).", valueName: "duration"))
    var ttl: String

    @Option(
        help: ArgumentHelp(
            "The JSON to seal: session claims (an object with \"sub\") or the arguments.",
            valueName: "json"))
    var data: String

    func run() throws {
        try KeysCommand.reporting {
            let resolved = try location.resolve(lifetimes: .informative)
            let tokenContext = try context.tokenContext(defaultCookie: resolved.sessionCookie)
            let ttl = try KeysCommand.duration(self.ttl, option: "--ttl")
            try Self.check(ttl: ttl, purpose: context.purpose, lifetimes: resolved.lifetimes)
            let bytes = Array(data.utf8)
            let value: JSONValue
            do {
                value = try JSONValue(parsing: bytes)
            } catch {
                throw KeysCommand.Failure("--data is not valid JSON (\(error)).")
            }
            if context.purpose == .session {
                guard case .object(let claims) = value, case .string(let subject)? = claims["sub"] else {
                    throw KeysCommand.Failure("session --data must be a JSON object with a string \"sub\".")
                }
                // What the gateway would refuse when the cookie comes back is refused here too.
                guard SessionCodec.isValidSubject(subject) else {
                    throw KeysCommand.Failure(
                        "session \"sub\" must be 1-256 bytes of printable ASCII without spaces (the gateway "
                            + "refuses any other).")
                }
            }
            let keyring = try KeyringFile.load(from: resolved.keyringPath)
            guard let key = keyring.sealingKey else { throw KeyringError.invalid([]) }
            let iat = context.now ?? Int64(Date().timeIntervalSince1970)
            let token: String
            do {
                token = try SealedToken.seal(
                    context: tokenContext, serializedData: bytes, iat: iat, exp: iat &+ ttl.components.seconds,
                    key: key)
            } catch {
                throw KeysCommand.Failure("could not seal: \(error).")
            }
            print(token)
        }
    }

    /// Refuses a lifetime longer than the configuration allows for the purpose: such a token would
    /// outlive the retirement guard, and still open after `keys retire` was judged safe.
    static func check(ttl: Duration, purpose: ContextOptions.Purpose, lifetimes: TokenLifetimes) throws {
        guard ttl > .zero else { throw KeysCommand.Failure("--ttl must be longer than 0s.") }
        let (limit, name) =
            purpose == .session
            ? (lifetimes.sessionMaxAge, "session.max_age")
            : (lifetimes.boundArgumentsMaxTTL, "bound_args.max_ttl")
        guard ttl <= limit else {
            throw KeysCommand.Failure(
                "--ttl \(TokenLifetimes.format(ttl)) is longer than \(name) (\(TokenLifetimes.format(limit)), from "
                    + "\(lifetimes.source)); keys are retired assuming no token outlives it.")
        }
    }
}

extension SealCommand {
    /// `--purpose`, `--cookie`, `--action`, `--subject`, `--now`: what a token is bound to, shared by
    /// `seal` and `open`.
    struct ContextOptions: ParsableArguments {
        /// The two kinds of token, as the CLI spells them.
        enum Purpose: String, ExpressibleByArgument, CaseIterable {
            case session
            case boundArgs = "bound-args"
        }

        @Option(help: "session or bound-args.")
        var purpose: Purpose

        @Option(
            help: ArgumentHelp(
                "Session cookie name (default: the configuration's, else __Host-actiongate).",
                valueName: "name"))
        var cookie: String?

        @Option(help: ArgumentHelp("Bound arguments: the action id they are bound to.", valueName: "id"))
        var action: String?

        @Option(help: ArgumentHelp("Bound arguments: the subject they are tied to, if any.", valueName: "subject"))
        var subject: String?

        @Option(
            help: ArgumentHelp(
                "Unix time to use instead of the clock (for reproducible interop tests).",
                valueName: "seconds"))
        var now: Int64?

        /// The context for the chosen purpose, refusing options that belong to the other one.
        func tokenContext(defaultCookie: String) throws -> TokenContext {
            switch purpose {
            case .session:
                guard action == nil, subject == nil else {
                    throw KeysCommand.Failure(
                        "--action and --subject are for --purpose bound-args; sessions use --cookie.")
                }
                let name = cookie ?? defaultCookie
                guard SetCookie.isValidName(name) else {
                    throw KeysCommand.Failure(
                        "--cookie must be a cookie name (letters, digits and !#$%&'*+-.^_`|~), not \"\(name)\".")
                }
                return .session(cookieName: name)
            case .boundArgs:
                guard cookie == nil else {
                    throw KeysCommand.Failure("--cookie is for --purpose session; bound arguments use --action.")
                }
                guard let action, !action.isEmpty else {
                    throw KeysCommand.Failure("--purpose bound-args needs --action ID.")
                }
                return .boundArguments(action: action, subject: subject)
            }
        }
    }
}
