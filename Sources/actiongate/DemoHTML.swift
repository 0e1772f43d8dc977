/// HTML escaping for the demo app's page: every piece of text that is not a literal of the page
/// itself goes through `escape`, because notes and names are user input.
enum DemoHTML {
    /// `text` safe to place in element content and in double- or single-quoted attribute values.
    ///
    /// Also replaces control characters (other than tab and newline) so a note cannot smuggle terminal
    /// or rendering tricks into the page.
    static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
