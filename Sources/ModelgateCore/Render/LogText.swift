/// Text bound for a log line: control characters escaped so one value cannot start a forged
/// line (`escaped`, applied by the log handlers to every value), and client-supplied text cut
/// where it enters so one request cannot flood the log (`client`, CONTRACT §4).
public enum LogText {
    /// The most bytes of one client-supplied string kept in a log line.
    public static let maximumClientBytes = 256
    /// The most bytes of any one logged value (messages quote client text, cut to 1 KiB).
    public static let maximumValueBytes = 2048

    /// `text` with every control character escaped (`\n`, `\r`, `\t`, `\u{1b}`) and a
    /// backslash doubled, so the escapes cannot be faked; cut to `limit` bytes.
    public static func escaped(_ text: some StringProtocol, limit: Int = maximumValueBytes) -> String {
        var out = ""
        out.reserveCapacity(min(text.utf8.count, limit) + 8)
        var kept = 0
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar {
            case "\n": piece = "\\n"
            case "\r": piece = "\\r"
            case "\t": piece = "\\t"
            case "\\": piece = "\\\\"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                piece = "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                piece = String(scalar)
            }
            kept += piece.utf8.count
            if kept > limit {
                return out + "… (cut: \(text.utf8.count) bytes)"
            }
            out += piece
        }
        return out
    }

    /// `text` cut to at most `limit` bytes (on a character boundary) with a note of its length.
    public static func cut(_ text: String, limit: Int = maximumValueBytes) -> String {
        let bytes = text.utf8.count
        guard bytes > limit else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while !text.unicodeScalars.indices.contains(end) { end = text.utf8.index(before: end) }
        return String(text[..<end]) + "… (cut: \(bytes) bytes)"
    }

    /// A string a client sent (a path, a name), cut to `maximumClientBytes`. Escaping is the
    /// log handler's (text and JSON alike), so it happens once.
    public static func client(_ text: some StringProtocol) -> String {
        cut(String(text), limit: maximumClientBytes)
    }

    /// A request's path or target for a log line: every credential the request presents
    /// (key headers, `Authorization` tokens, `?key=`) replaced by `***` as in decision messages,
    /// then cut like any client string.
    public static func clientTarget(_ text: String, rawTarget: String, headers: HeaderFields) -> String {
        let presented = PresentedCredentials(CheckRequest(method: "", rawTarget: rawTarget, headers: headers, body: .empty))
        return client(presented.redacting(text))
    }
}
