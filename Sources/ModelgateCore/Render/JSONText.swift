/// Minimal JSON text writer for the few fixed documents modelgate emits, and the one JSON string
/// quoting that the HTTP error documents and the log lines share.
///
/// Decision documents are pure ASCII (non-ASCII is `\u`-escaped) so the same text is safe in a
/// header value.
public struct JSONText {
    private(set) var text = ""

    /// `value` as a JSON string literal with non-ASCII `\u`-escaped, so the literal is also a safe
    /// header value (log lines keep UTF-8: `asciiOnly: false`).
    public static func quoted(_ value: String) -> String { quoted(value, asciiOnly: true) }

    /// `value` as a JSON string literal, non-ASCII kept as UTF-8 unless `asciiOnly`.
    public static func quoted(_ value: String, asciiOnly: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count + 2)
        appendQuoted(value, to: &out, asciiOnly: asciiOnly)
        return out
    }

    /// Appends `value` as a JSON string literal (see `quoted`).
    public static func appendQuoted(_ value: String, to out: inout String, asciiOnly: Bool = true) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (asciiOnly && scalar.value > 0x7F):
                for unit in String(scalar).utf16 { out += "\\u" + hex4(unit) }
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    static func quotedOrNull(_ value: String?) -> String {
        value.map { quoted($0) } ?? "null"
    }

    /// `{"a":1,"b":"x"}` from already-encoded member values, in order.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(unit >> 12) & 0xF], digits[Int(unit >> 8) & 0xF],
                       digits[Int(unit >> 4) & 0xF], digits[Int(unit) & 0xF]])
    }
}
