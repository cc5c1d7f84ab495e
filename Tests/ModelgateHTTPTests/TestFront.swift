import Foundation
import Logging
import Metrics
import ModelgateCore
import ModelgateHTTP
import ModelgateObservability
import ModelgateStore
import Prometheus
import Synchronization

/// A real HTTP front on 127.0.0.1 with an ephemeral port, over a real `PolicyService` with a
/// temporary SQLite file and config file.
struct RunningFront: Sendable {
    let front: HTTPFront
    let port: Int
    let policy: PolicyService
    let registry: PrometheusCollectorRegistry
    let directory: URL
    let configPath: String
    private let serving: Task<Void, any Error>

    /// Starts a front over `configYAML` (nil: no config file). JSON is YAML, so a vector's
    /// config can be passed as is.
    static func start(
        configYAML: String?, logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        bodyReadTimeout: Duration = .seconds(1), environment: [String: String] = [:], drainTimeout: Duration = .seconds(10)
    ) async throws -> RunningFront {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configPath = directory.appendingPathComponent("config.yaml").path
        if let configYAML { try configYAML.write(toFile: configPath, atomically: true, encoding: .utf8) }
        let policy = try PolicyService(
            configPath: configYAML == nil ? nil : configPath,
            databasePath: directory.appendingPathComponent("modelgate.sqlite").path,
            environment: environment, logger: logger)
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[DecisionRecorder.durationMetricName] = DecisionRecorder.durationBuckets
        let recorder = DecisionRecorder(logger: logger, metricsFactory: factory)
        let front = HTTPFront(
            host: "127.0.0.1", port: 0, policy: policy, recorder: recorder, prometheus: registry, logger: logger,
            configuration: HTTPFrontConfiguration(bodyReadTimeout: bodyReadTimeout, drainTimeout: drainTimeout))
        let serving = Task { try await front.run() }
        let port = try await front.listeningPort()
        return RunningFront(
            front: front, port: port, policy: policy, registry: registry, directory: directory,
            configPath: configPath, serving: serving)
    }

    /// Graceful shutdown; returns once the front has stopped.
    func stop() async throws {
        front.triggerGracefulShutdown()
        try await serving.value
        try? FileManager.default.removeItem(at: directory)
    }

    /// Waits for `run()` to return (after a shutdown triggered elsewhere).
    func waitUntilStopped() async throws {
        try await serving.value
    }

    func connect() async throws -> RawHTTPConnection {
        try await RawHTTPConnection.connect(port: port)
    }

    /// Whether a new connection is refused within `limit`: tries every 50 ms, closing any
    /// connection that still gets through (the listener has not closed yet).
    func refusesConnections(within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard let accepted = try? await connect() else { return true }
            await accepted.close()
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func exchange(method: String, target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> TestResponse {
        try await RawHTTPConnection.exchange(port: port, method: method, target: target, headers: headers, body: body)
    }
}

/// Collects every log line a logger writes, as the JSON-lines handler renders it.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "modelgate-test") { label in
            var handler = JSONLogHandler(label: label, sink: JSONLogHandler.Sink { line in self.lines.withLock { $0.append(line) } })
            handler.logLevel = .trace
            return handler
        }
        logger.logLevel = .trace
        return logger
    }

    var captured: [String] { lines.withLock { $0 } }
}

/// Collects every log line a logger writes in the text format.
final class TextLogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "modelgate-test") { label in
            var handler = TextLogHandler(label: label, sink: JSONLogHandler.Sink { line in self.lines.withLock { $0.append(line) } })
            handler.logLevel = .trace
            return handler
        }
        logger.logLevel = .trace
        return logger
    }

    var captured: [String] { lines.withLock { $0 } }
}
