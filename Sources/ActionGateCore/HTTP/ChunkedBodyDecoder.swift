/// Decodes a chunked message body (RFC 9112 §7.1) incrementally, returning the data as ranges of
/// the bytes it is given (no copy).
///
/// Strict: a chunk size is 1*HEXDIG without whitespace inside and must fit in an `Int`; extensions
/// must follow the grammar (`;` name [`=` token or quoted-string], whitespace only around `;` and
/// `=`) and are bounded, then dropped; every line ends with CRLF; chunk data is followed by CRLF;
/// trailer fields are checked for shape, bounded and dropped (the gateway forwards no trailers).
struct ChunkedBodyDecoder: Equatable {
    /// What one `step` found.
    struct Step: Equatable {
        /// Bytes used from the start of the input (framing and data).
        var consumed: Int
        /// Chunk data inside the input, ending at `consumed`.
        var data: Range<Int>?
        /// The last chunk and the trailer section are complete.
        var isEnd: Bool
    }

    private enum State: Equatable {
        case size(value: Int, digits: Int)
        /// After the size digits, in the extensions (RFC 9112 §7.1.1).
        case extensions(value: Int, Extension)
        case sizeLF(value: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerName
        case trailerValue
        case trailerLineLF
        case trailerEndLF
        case done
    }

    /// Where in `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )` the decoder is.
    enum Extension: Equatable {
        /// Whitespace after the size or a value: only more of it or `;` may follow.
        case whitespaceBeforeSemicolon
        case beforeName
        case name
        case afterName
        case beforeValue
        case token
        case quoted
        case quotedPair
        case afterQuoted
    }

    /// Longest chunk-size line, extensions included, by default.
    static let maxSizeLineBytes = 4096
    /// Largest trailer section.
    static let maxTrailerBytes = 16 * 1024

    /// Extensions follow the grammar exactly; otherwise names and values may also be empty (`2;=`),
    /// which llhttp accepts in requests.
    private let strictExtensions: Bool
    private let maxLineBytes: Int
    private var state = State.size(value: 0, digits: 0)
    private var lineBytes = 0
    private var trailerBytes = 0

    init(strictExtensions: Bool = true, maxSizeLineBytes: Int = Self.maxSizeLineBytes) {
        self.strictExtensions = strictExtensions
        self.maxLineBytes = maxSizeLineBytes
    }

    var isDone: Bool { state == .done }

    /// Reads framing from the start of `bytes` up to the next chunk data, the end of the body, or
    /// the end of `bytes`.
    mutating func step(_ bytes: UnsafeBufferPointer<UInt8>) throws(ResponseDecodingError) -> Step {
        var index = 0
        while index < bytes.count {
            if case .data(let remaining) = state {
                let count = min(remaining, bytes.count &- index)
                state = remaining == count ? .dataCR : .data(remaining: remaining &- count)
                return Step(consumed: index &+ count, data: index..<(index &+ count), isEnd: false)
            }
            let byte = bytes[index]
            index &+= 1
            switch state {
            case .size(let value, let digits):
                lineBytes &+= 1
                guard lineBytes <= maxLineBytes else { throw .invalidChunkSize }
                if let digit = ASCII.hexValue(byte) {
                    guard value <= (Int.max &- Int(digit)) / 16 else { throw .invalidChunkSize }
                    state = .size(value: value &* 16 &+ Int(digit), digits: digits &+ 1)
                } else if digits > 0, byte == ASCII.cr {
                    state = .sizeLF(value: value)
                } else if digits > 0, byte == ASCII.semicolon {
                    state = .extensions(value: value, .beforeName)
                } else if digits > 0, ASCII.isOWS(byte) {
                    state = .extensions(value: value, .whitespaceBeforeSemicolon)
                } else {
                    throw .invalidChunkSize
                }
            case .extensions(let value, let position):
                lineBytes &+= 1
                guard lineBytes <= maxLineBytes else { throw .invalidChunkSize }
                let emptyAllowed = !strictExtensions && (position == .beforeName || position == .beforeValue)
                if byte == ASCII.cr {
                    let atEnd = position == .name || position == .token || position == .afterQuoted
                    guard atEnd || emptyAllowed else { throw .invalidChunkSize }
                    state = .sizeLF(value: value)
                } else if emptyAllowed, byte == ASCII.semicolon {
                    state = .extensions(value: value, .beforeName)
                } else if emptyAllowed, position == .beforeName, byte == ASCII.equals {
                    state = .extensions(value: value, .beforeValue)
                } else {
                    state = .extensions(value: value, try Self.next(position, byte))
                }
            case .sizeLF(let value):
                guard byte == ASCII.lf else { throw .invalidChunkSize }
                lineBytes = 0
                state = value == 0 ? .trailerLineStart : .data(remaining: value)
            case .data:
                // Not reached: chunk data is taken above, before a byte is read. No trap in a parser
                // of untrusted bytes, though: were it reached, the body is refused.
                throw .invalidChunkSize
            case .dataCR:
                guard byte == ASCII.cr else { throw .invalidChunkTerminator }
                state = .dataLF
            case .dataLF:
                guard byte == ASCII.lf else { throw .invalidChunkTerminator }
                state = .size(value: 0, digits: 0)
            case .trailerLineStart:
                try countTrailerByte()
                if byte == ASCII.cr {
                    state = .trailerEndLF
                } else if ASCII.isTokenByte(byte) {
                    state = .trailerName
                } else {
                    throw .invalidTrailer  // obs-fold, or not a field name
                }
            case .trailerName:
                try countTrailerByte()
                if byte == ASCII.colon {
                    state = .trailerValue
                } else if !ASCII.isTokenByte(byte) {
                    throw .invalidTrailer
                }
            case .trailerValue:
                try countTrailerByte()
                if byte == ASCII.cr {
                    state = .trailerLineLF
                } else if !HTTPHeadSyntax.isFieldValueByte(byte) {
                    throw .invalidTrailer
                }
            case .trailerLineLF:
                try countTrailerByte()
                guard byte == ASCII.lf else { throw .invalidTrailer }
                state = .trailerLineStart
            case .trailerEndLF:
                guard byte == ASCII.lf else { throw .invalidTrailer }
                state = .done
                return Step(consumed: index, data: nil, isEnd: true)
            case .done:
                // The body ended: what follows is not part of it.
                return Step(consumed: index &- 1, data: nil, isEnd: true)
            }
        }
        return Step(consumed: index, data: nil, isEnd: false)
    }

    /// The extension position after `byte` (not CR); throws where the grammar allows no such byte.
    private static func next(_ position: Extension, _ byte: UInt8) throws(ResponseDecodingError) -> Extension {
        let isToken = ASCII.isTokenByte(byte)
        let isSpace = ASCII.isOWS(byte)
        switch position {
        case .whitespaceBeforeSemicolon:
            if isSpace { return .whitespaceBeforeSemicolon }
            if byte == ASCII.semicolon { return .beforeName }
        case .beforeName:
            if isSpace { return .beforeName }
            if isToken { return .name }
        case .name, .afterName:
            if isToken, position == .name { return .name }
            if isSpace { return .afterName }
            if byte == ASCII.equals { return .beforeValue }
            if byte == ASCII.semicolon { return .beforeName }
        case .beforeValue:
            if isSpace { return .beforeValue }
            if byte == ASCII.quote { return .quoted }
            if isToken { return .token }
        case .token, .afterQuoted:
            if isToken, position == .token { return .token }
            if isSpace { return .whitespaceBeforeSemicolon }
            if byte == ASCII.semicolon { return .beforeName }
        case .quoted:
            // qdtext: HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
            if byte == ASCII.quote { return .afterQuoted }
            if byte == ASCII.backslash { return .quotedPair }
            if byte == ASCII.tab || (byte >= 0x20 && byte != 0x7F) { return .quoted }
        case .quotedPair:
            if byte == ASCII.tab || (byte >= 0x20 && byte != 0x7F) { return .quoted }
        }
        throw .invalidChunkSize
    }

    private mutating func countTrailerByte() throws(ResponseDecodingError) {
        trailerBytes &+= 1
        guard trailerBytes <= Self.maxTrailerBytes else { throw .invalidTrailer }
    }
}
