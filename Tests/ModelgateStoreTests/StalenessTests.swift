import Foundation
import ModelgateConfig
import ModelgateCore
import Testing
@testable import ModelgateStore

/// `max_policy_staleness_seconds` (CONTRACT §8): while the source is unreachable, checks go on
/// until the policy is older than the setting, then every check is denied 503 `policy_stale`;
/// the source's return lifts it.
@Suite("Policy staleness")
struct StalenessTests {
    static func builder(staleness: String?) throws -> SnapshotBuilder {
        let settings = staleness.map { "modelgate_settings:\n  max_policy_staleness_seconds: \($0)\n" } ?? ""
        let config = try GatewayConfig.parse(yaml: """
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: openai/gpt-4o, api_key: sk-upstream }
            keys:
              - { key: sk-allowed, models: [gpt-4o] }
            \(settings)
            """, environment: [:])
        let builder = SnapshotBuilder(holder: SnapshotHolder(.empty), config: config, environmentMasterKey: nil, logger: quietLogger) { PolicyParts() }
        try builder.rebuild()
        return builder
    }

    static func check(_ snapshot: PolicySnapshot, key: String?, at now: Date) -> Decision {
        var headers = [("content-type", "application/json")]
        if let key { headers.append(("authorization", "Bearer \(key)")) }
        let request = CheckRequest(
            method: "POST", rawTarget: "/v1/chat/completions", headers: HeaderFields(headers),
            body: .complete(Array(#"{"model": "gpt-4o"}"#.utf8)))
        return DecisionEngine.decide(request, in: snapshot, now: now)
    }

    @Test("the setting is read; a bad value is a located problem")
    func setting() throws {
        #expect(try Self.builder(staleness: "90").holder.snapshot.settings.maxPolicyStaleness == 90)
        #expect(try Self.builder(staleness: "0.5").holder.snapshot.settings.maxPolicyStaleness == 0.5)
        #expect(try Self.builder(staleness: nil).holder.snapshot.settings.maxPolicyStaleness == nil)
        for bad in ["0", "-3", "soon"] {
            #expect(throws: ConfigError.self, "\(bad)") { try Self.builder(staleness: bad) }
        }
    }

    @Test("past the setting every check is 503 policy_stale, before any other reason; the source's return lifts it")
    func staleThenCurrent() throws {
        let builder = try Self.builder(staleness: "30")
        let lastSynchronised = Date()
        builder.apply([.sourceUnreachable(lastSynchronised: lastSynchronised)])
        let snapshot = builder.holder.snapshot
        #expect(snapshot.staleAfter == lastSynchronised.addingTimeInterval(30))
        // Within the setting: the last policy answers.
        #expect(Self.check(snapshot, key: "sk-allowed", at: lastSynchronised.addingTimeInterval(29)).allow)
        #expect(!snapshot.isStale(at: lastSynchronised.addingTimeInterval(29)))
        // Past it: denied, whoever asks, with the contract's status and code.
        for key in ["sk-allowed", "sk-unknown", nil] as [String?] {
            let decision = Self.check(snapshot, key: key, at: lastSynchronised.addingTimeInterval(31))
            #expect(!decision.allow)
            #expect(decision.reason == .policyStale)
            #expect(decision.status == 503)
        }
        #expect(snapshot.isStale(at: lastSynchronised.addingTimeInterval(31)))
        // Other changes keep the deadline; the source's return clears it.
        builder.apply([.teamUpserted(Team(id: "t"))])
        #expect(builder.holder.snapshot.staleAfter == snapshot.staleAfter)
        builder.apply([.sourceReachable])
        #expect(builder.holder.snapshot.staleAfter == nil)
        #expect(Self.check(builder.holder.snapshot, key: "sk-allowed", at: lastSynchronised.addingTimeInterval(3600)).allow)
    }

    @Test("without the setting an unreachable source never makes the policy stale")
    func noSetting() throws {
        let builder = try Self.builder(staleness: nil)
        let long = Date().addingTimeInterval(-86_400 * 30)
        builder.apply([.sourceUnreachable(lastSynchronised: long)])
        #expect(builder.holder.snapshot.staleAfter == nil)
        #expect(Self.check(builder.holder.snapshot, key: "sk-allowed", at: Date()).allow)
    }

    @Test("a full rebuild after the return starts current")
    func rebuildClears() throws {
        let builder = try Self.builder(staleness: "1")
        builder.apply([.sourceUnreachable(lastSynchronised: Date().addingTimeInterval(-10))])
        #expect(builder.holder.snapshot.isStale(at: Date()))
        builder.apply([.reloadAll(PolicyParts())])
        #expect(!builder.holder.snapshot.isStale(at: Date()))
    }
}
