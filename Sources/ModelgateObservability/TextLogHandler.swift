import Logging
import ModelgateCore

/// A swift-log handler writing one human-readable line per event:
/// `2026-01-01T00:00:00.000Z info modelgate: check denied front=http reason=invalid_key …`.
public typealias TextLogHandler = FormattedLogHandler<TextLogLine>

/// Every message and metadata value goes through `LogText.escaped`: a control character is
/// written as an escape (`\n`, `\u{1b}`) and a value is cut at `LogText.maximumValueBytes`, so a
/// request cannot end a line early and forge the next one, nor write a line of megabytes.
public enum TextLogLine: LogLineFormat {
    public static func line(time: String, level: Logger.Level, label: String, message: String, fields: [(String, Logger.Metadata.Value)]) -> String {
        var line = time
        line += " "
        line += level.rawValue
        line += " "
        line += LogText.escaped(label)
        line += ": "
        line += LogText.escaped(message)
        for (key, value) in fields {
            line += " "
            line += LogText.escaped(key, limit: 64)
            line += "="
            line += render(value)
        }
        line += "\n"
        return line
    }

    /// A value as one token: quoted when it holds a space, `"` or `=`, so a value cannot pose
    /// as further fields.
    static func render(_ value: Logger.Metadata.Value) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .stringConvertible(let convertible): text = convertible.description
        case .array, .dictionary: text = value.description
        }
        let escaped = LogText.escaped(text)
        guard escaped.isEmpty || escaped.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return escaped }
        return "\"" + escaped.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
