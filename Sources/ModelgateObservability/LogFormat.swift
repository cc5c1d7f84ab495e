import Logging

/// How log lines are written: human-readable text or one JSON object per line. Either way a
/// control character in a value is escaped, so no value can forge a line.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json

    /// A handler factory for `LoggingSystem.bootstrap`, writing to standard error so standard
    /// output stays free for command results (`modelgate check` prints its decision there).
    public func makeHandler(level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        switch self {
        case .text:
            return { label in
                var handler = TextLogHandler(label: label, sink: .standardError)
                handler.logLevel = level
                return handler
            }
        case .json:
            return { label in
                var handler = JSONLogHandler(label: label, sink: .standardError)
                handler.logLevel = level
                return handler
            }
        }
    }
}
