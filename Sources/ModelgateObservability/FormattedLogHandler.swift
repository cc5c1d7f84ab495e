import Foundation
import Logging

/// Where finished log lines go; each call receives one complete line ending in `\n`.
public struct LogSink: Sendable {
    public let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard error, one `write` per line so concurrent lines do not interleave.
    public static let standardError = LogSink { line in
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// How one event becomes one line (`JSONLogLine`, `TextLogLine`). Every value a format writes
/// is escaped, so no value can end a line early and forge the next one.
public protocol LogLineFormat: Sendable {
    /// The line, ending in `\n`; `fields` are sorted by name.
    static func line(time: String, level: Logger.Level, label: String, message: String, fields: [(String, Logger.Metadata.Value)]) -> String
}

/// A swift-log handler writing one line per event in `Format`. The handler's metadata, the
/// metadata provider's and the event's are merged (later wins) and written sorted by name, so
/// lines are stable and diff well.
public struct FormattedLogHandler<Format: LogLineFormat>: LogHandler {
    public typealias Sink = LogSink

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink, metadataProvider: Logger.MetadataProvider? = nil) {
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
        let sorted = fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        sink.write(Format.line(
            time: Date().formatted(timestampStyle), level: event.level, label: label,
            message: event.message.description, fields: sorted))
    }
}

private let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
