import Logging
import Metrics
import ModelgateCore

/// Records every decision once: an audit log line for denials (and allows at debug level) and
/// the check metrics. Used by both fronts so HTTP and gRPC report alike.
///
/// Nothing recorded holds a key or secret: only alias, team, user, group, reason and route.
public struct DecisionRecorder: Sendable {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// - Parameters:
    ///   - front: `http`, `grpc` or `cli`, a metric dimension.
    ///   - elapsedNanoseconds: time spent deciding, for the latency histogram.
    public func record(_ decision: Decision, front: String, elapsedNanoseconds: UInt64) {
        let outcome = decision.allow ? "allow" : "deny"
        let reason = decision.reason?.rawValue ?? "none"
        Counter(label: "modelgate_checks_total", dimensions: [("front", front), ("decision", outcome), ("reason", reason)]).increment()
        if let group = decision.modelGroup {
            Counter(label: "modelgate_checks_by_model_group_total", dimensions: [("model_group", group), ("decision", outcome)]).increment()
        }
        Timer(label: "modelgate_check_duration_seconds", dimensions: [("front", front)]).recordNanoseconds(Int64(clamping: elapsedNanoseconds))

        var metadata: Logger.Metadata = [
            "decision": .string(outcome),
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
        if decision.allow {
            logger.debug("check allowed", metadata: metadata)
        } else {
            metadata["message"] = .string(decision.message)
            logger.info("check denied", metadata: metadata)
        }
    }
}
