import Foundation
import Logging
import ModelgateCore

/// A swift-log handler writing one JSON object per line:
/// `{"ts":"…","level":"info","label":"modelgate","msg":"check denied","reason":"invalid_key",…}`.
///
/// Metadata keys become top-level fields (nested dictionaries and arrays stay JSON), so a log
/// pipeline can filter on `reason` or `team_id` without parsing the message.
public struct JSONLogHandler: LogHandler {
    /// Where finished lines go; each call receives one complete line ending in `\n`.
    public struct Sink: Sendable {
        public let write: @Sendable (String) -> Void

        public init(write: @escaping @Sendable (String) -> Void) {
            self.write = write
        }

        /// Standard error, one `write` per line so concurrent lines do not interleave.
        public static let standardError = Sink { line in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: Sink

    public init(label: String, sink: Sink, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let explicit = event.metadata { fields.merge(explicit) { _, new in new } }

        var line = "{\"ts\":"
        Self.appendQuoted(Date().formatted(Self.timestampStyle), to: &line)
        line += ",\"level\":"
        Self.appendQuoted(event.level.rawValue, to: &line)
        line += ",\"label\":"
        Self.appendQuoted(label, to: &line)
        line += ",\"msg\":"
        Self.appendQuoted(LogText.cut(event.message.description), to: &line)
        // Sorted so lines are stable and diff well; reserved names cannot be overwritten.
        for key in fields.keys.sorted() where !Self.reserved.contains(key) {
            line += ","
            Self.appendQuoted(key, to: &line)
            line += ":"
            Self.append(fields[key]!, to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    private static let reserved: Set<String> = ["ts", "level", "label", "msg"]
    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

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
    static func appendQuoted(_ string: String, to line: inout String) {
        JSONText.appendQuoted(string, to: &line, asciiOnly: false)
    }
}
