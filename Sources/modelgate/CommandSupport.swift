import ArgumentParser
import Foundation
import Logging
import ModelgateConfig
import ModelgateObservability

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}

/// A `HOST:PORT` listen address (`127.0.0.1:8181`, `[::1]:8181`, `:8181` for all interfaces).
struct ListenAddress: ExpressibleByArgument, CustomStringConvertible {
    var host: String
    var port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
              (0...65535).contains(port)
        else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Writes to standard error (standard output is reserved for command results).
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Every problem of a failed start or load, one per line, config problems with their
    /// location.
    static func report(_ error: any Error, context: String) {
        if let configError = error as? ConfigError {
            for problem in configError.problems { Console.error("\(context): \(problem)") }
        } else {
            Console.error("\(context): \(error)")
        }
    }
}

/// Logging for the offline commands: warnings and worse to standard error, so the command's
/// own output stays clean.
enum OfflineLogging {
    static func bootstrap() -> Logger {
        LoggingSystem.bootstrap(LogFormat.text.makeHandler(level: .warning))
        return Logger(label: "modelgate")
    }
}
