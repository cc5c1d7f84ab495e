import Logging
import Metrics
import ModelgateCore

/// Records every decision once: an audit log line for denials (and allows at debug level) and
/// the check metrics. Used by both fronts so HTTP and gRPC report alike.
///
/// Nothing recorded holds a key or secret: only alias, team, user, group, reason and route.
public struct DecisionRecorder: Sendable {
    private let logger: Logger
    private let metrics: CheckMetrics

    /// Metric handles are made here, once, from the bootstrapped `MetricsSystem`: create the
    /// recorder after `MetricsSystem.bootstrap` (handles made earlier are no-ops).
    public init(logger: Logger) {
        self.init(logger: logger, metricsFactory: MetricsSystem.factory)
    }

    /// A recorder reporting to `metricsFactory` rather than the global `MetricsSystem`
    /// (tests, or a process that keeps several registries).
    public init(logger: Logger, metricsFactory: any MetricsFactory) {
        self.logger = logger
        self.metrics = CheckMetrics(factory: metricsFactory)
    }

    /// Latency buckets for `modelgate_check_duration_seconds`: a check takes microseconds, so
    /// the factory's default buckets (5 ms and up) would put every check in the first one.
    public static let durationBuckets: [Duration] = [
        .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50),
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50),
    ]

    /// The metric name of the check latency histogram (for factory bucket configuration).
    public static let durationMetricName = CheckMetrics.checkDuration

    /// - Parameters:
    ///   - front: `http`, `grpc` or `cli`, a metric dimension.
    ///   - elapsedNanoseconds: time spent deciding, for the latency histogram.
    public func record(_ decision: Decision, front: String, elapsedNanoseconds: UInt64) {
        metrics.record(decision, front: front, elapsedNanoseconds: elapsedNanoseconds)
        // Build the metadata only when the line will be written: allows log at debug.
        let level: Logger.Level = decision.allow ? .debug : .info
        guard logger.logLevel <= level else { return }
        logger.log(level: level, decision.allow ? "check allowed" : "check denied", metadata: Self.auditMetadata(decision, front: front))
    }

    /// The audit trail of one decision: never a key, credential or request body.
    static func auditMetadata(_ decision: Decision, front: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "decision": .string(decision.allow ? "allow" : "deny"),
            "status": .stringConvertible(decision.status),
            "front": .string(front),
        ]
        if let reason = decision.reason { metadata["reason"] = .string(reason.rawValue) }
        if let alias = decision.keyAlias { metadata["key_alias"] = .string(alias) }
        if let team = decision.teamID { metadata["team_id"] = .string(team) }
        if let user = decision.userID { metadata["user_id"] = .string(user) }
        if let group = decision.modelGroup { metadata["model_group"] = .string(group) }
        if let provider = decision.provider { metadata["provider"] = .string(provider) }
        if let route = decision.routeShape { metadata["route"] = .string(route) }
        if !decision.allow { metadata["message"] = .string(decision.message) }
        return metadata
    }
}
