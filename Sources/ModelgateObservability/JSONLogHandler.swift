import Logging
import ModelgateCore

/// A swift-log handler writing one JSON object per line:
/// `{"ts":"…","level":"info","label":"modelgate","msg":"check denied","reason":"invalid_key",…}`.
public typealias JSONLogHandler = FormattedLogHandler<JSONLogLine>

/// Metadata keys become top-level fields (nested dictionaries and arrays stay JSON), so a log
/// pipeline can filter on `reason` or `team_id` without parsing the message. The reserved
/// names `ts`, `level`, `label` and `msg` cannot be overwritten by metadata.
public enum JSONLogLine: LogLineFormat {
    public static func line(time: String, level: Logger.Level, label: String, message: String, fields: [(String, Logger.Metadata.Value)]) -> String {
        var line = "{\"ts\":"
        appendQuoted(time, to: &line)
        line += ",\"level\":"
        appendQuoted(level.rawValue, to: &line)
        line += ",\"label\":"
        appendQuoted(label, to: &line)
        line += ",\"msg\":"
        appendQuoted(LogText.cut(message), to: &line)
        for (key, value) in fields where !reserved.contains(key) {
            line += ","
            appendQuoted(key, to: &line)
            line += ":"
            append(value, to: &line)
        }
        line += "}\n"
        return line
    }

    private static let reserved: Set<String> = ["ts", "level", "label", "msg"]

    private static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let string):
            appendQuoted(LogText.cut(string), to: &line)
        case .stringConvertible(let convertible):
            appendQuoted(LogText.cut(convertible.description), to: &line)
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                append(element, to: &line)
            }
            line += "]"
        case .dictionary(let dictionary):
            line += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                appendQuoted(key, to: &line)
                line += ":"
                append(dictionary[key]!, to: &line)
            }
            line += "}"
        }
    }

    /// JSON string literal; control characters escaped, everything else kept as UTF-8.
    private static func appendQuoted(_ string: String, to line: inout String) {
        JSONText.appendQuoted(string, to: &line, asciiOnly: false)
    }
}
