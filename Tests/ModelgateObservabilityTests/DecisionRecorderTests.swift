import Foundation
import Logging
import ModelgateCore
import ModelgateObservability
import Prometheus
import Synchronization
import Testing

/// One audit line per denial (allows at debug), the check metrics, and nothing secret in either.
@Suite("Decision recorder")
struct DecisionRecorderTests {
    static let denied = Decision.deny(.keyModelAccessDenied, "key 'ci' may not call 'gpt-4o'", param: "model")
    static var allowed: Decision {
        Decision(
            allow: true, status: 200, message: "allowed", modelGroup: "claude", modelID: "m-1", provider: "bedrock",
            keyAlias: "ci", teamID: "team-1", userID: "u-1", routeShape: "bedrock",
            credential: InjectedCredential(headerName: "authorization", headerValue: Secret("Bearer provider-secret-1")))
    }

    final class Recording: Sendable {
        let registry = PrometheusCollectorRegistry()
        let lines = Mutex<[String]>([])

        func recorder(level: Logger.Level) -> DecisionRecorder {
            var logger = Logger(label: "modelgate-test") { label in
                var handler = JSONLogHandler(label: label, sink: JSONLogHandler.Sink { line in self.lines.withLock { $0.append(line) } })
                handler.logLevel = level
                return handler
            }
            logger.logLevel = level
            return DecisionRecorder(logger: logger, metricsFactory: PrometheusMetricsFactory(registry: registry))
        }

        var logged: [[String: Any]] {
            lines.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        var metrics: String {
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }

        /// The value of the sample of `name` whose labels include every one of `labels`.
        func sample(_ name: String, _ labels: [String]) -> Double? {
            for line in metrics.split(separator: "\n") where line.hasPrefix(name + "{") && labels.allSatisfy({ line.contains($0) }) {
                return line.split(separator: " ").last.flatMap { Double($0) }
            }
            return nil
        }
    }

    @Test func aDenialIsLoggedAtInfoWithItsAuditFields() throws {
        let recording = Recording()
        var denied = Self.denied
        denied.keyAlias = "ci"
        denied.teamID = "team-1"
        denied.modelGroup = "gpt-4o"
        denied.routeShape = "openai"
        recording.recorder(level: .info).record(denied, front: "http", elapsedNanoseconds: 12_000)
        let lines = recording.logged
        try #require(lines.count == 1)
        let line = lines[0]
        #expect(line["level"] as? String == "info")
        #expect(line["msg"] as? String == "check denied")
        #expect(line["decision"] as? String == "deny")
        #expect(line["reason"] as? String == "key_model_access_denied")
        #expect(line["status"] as? String == "403")
        #expect(line["front"] as? String == "http")
        #expect(line["key_alias"] as? String == "ci")
        #expect(line["team_id"] as? String == "team-1")
        #expect(line["model_group"] as? String == "gpt-4o")
        #expect(line["route"] as? String == "openai")
        #expect(line["message"] as? String == "key 'ci' may not call 'gpt-4o'")
    }

    @Test func anAllowIsLoggedOnlyAtDebugAndNeverWithItsCredential() throws {
        let quiet = Recording()
        quiet.recorder(level: .info).record(Self.allowed, front: "grpc", elapsedNanoseconds: 1)
        #expect(quiet.logged.isEmpty)

        let chatty = Recording()
        chatty.recorder(level: .debug).record(Self.allowed, front: "grpc", elapsedNanoseconds: 1)
        let lines = chatty.logged
        try #require(lines.count == 1)
        #expect(lines[0]["msg"] as? String == "check allowed")
        #expect(lines[0]["provider"] as? String == "bedrock")
        #expect(lines[0]["message"] == nil)
        #expect(!chatty.lines.withLock { $0 }.joined().contains("provider-secret-1"))
        #expect(!chatty.metrics.contains("provider-secret-1"))
    }

    @Test func checksAreCountedByFrontDecisionReasonAndGroup() throws {
        let recording = Recording()
        let recorder = recording.recorder(level: .critical)
        recorder.record(Self.allowed, front: "http", elapsedNanoseconds: 3_000)
        recorder.record(Self.allowed, front: "http", elapsedNanoseconds: 3_000)
        var denied = Self.denied
        denied.modelGroup = "claude"
        recorder.record(denied, front: "grpc", elapsedNanoseconds: 3_000)
        recorder.record(Self.denied, front: "cli", elapsedNanoseconds: 3_000)

        #expect(recording.sample("modelgate_checks_total", [#"front="http""#, #"decision="allow""#]) == 2)
        #expect(recording.sample("modelgate_checks_total", [#"front="grpc""#, #"decision="deny""#, #"reason="key_model_access_denied""#]) == 1)
        #expect(recording.sample("modelgate_checks_total", [#"front="cli""#, #"decision="deny""#, #"reason="key_model_access_denied""#]) == 1)
        #expect(recording.sample("modelgate_checks_total", [#"front="http""#, #"decision="deny""#, #"reason="invalid_key""#]) == 0)
        #expect(recording.sample("modelgate_checks_by_model_group_total", [#"model_group="claude""#, #"decision="allow""#]) == 2)
        #expect(recording.sample("modelgate_checks_by_model_group_total", [#"model_group="claude""#, #"decision="deny""#]) == 1)
        #expect(recording.metrics.contains("modelgate_check_duration_seconds"))
    }
}
