import Foundation
import Logging
import ModelgateCore

/// A swift-log handler writing one human-readable line per event:
/// `2026-01-01T00:00:00.000Z info modelgate: check denied front=http reason=invalid_key …`.
///
/// Every message and metadata value goes through `LogText.escaped`: a control character is
/// written as an escape (`\n`, `\u{1b}`) and a value is cut at `LogText.maximumValueBytes`, so a
/// request cannot end a line early and forge the next one, nor write a line of megabytes.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: JSONLogHandler.Sink

    public init(label: String, sink: JSONLogHandler.Sink, metadataProvider: Logger.MetadataProvider? = nil) {
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

        var line = Date().formatted(Self.timestampStyle)
        line += " "
        line += event.level.rawValue
        line += " "
        line += LogText.escaped(label)
        line += ": "
        line += LogText.escaped(event.message.description)
        // Sorted so lines are stable and diff well.
        for key in fields.keys.sorted() {
            line += " "
            line += LogText.escaped(key, limit: 64)
            line += "="
            line += Self.render(fields[key]!)
        }
        line += "\n"
        sink.write(line)
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

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
