import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import ModelgateLiteLLM
import ModelgateLiteLLMDatabase
import ModelgatePostgres
import PostgresNIO
import Testing

/// Changes made with SQL in LiteLLM's tables (by scenario.py's writer, as LiteLLM makes them),
/// found by polling as a SELECT-only role and folded in by `LiteLLMChangeTracker`.
@Suite(.enabled(if: LiteLLMScenario.python != nil || LiteLLMScenario.required, "needs Tests/litellm/.venv (Tests/litellm/setup-venv)"))
struct LiteLLMPollingTests {
    /// The database's policy parts kept up to date from deltas, as the service would.
    struct Applied {
        var parts: PolicyParts
        let config: PolicyParts

        mutating func apply(_ delta: LiteLLMDelta) {
            var keys = Dictionary(parts.keys.map { ($0.hash, $0) }, uniquingKeysWith: { _, last in last })
            for hash in delta.keys.deleted { keys[hash] = nil }
            for key in delta.keys.upserted { keys[key.hash] = key }
            parts.keys = Array(keys.values)
            var teams = Dictionary(parts.teams.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
            for id in delta.teams.deleted { teams[id] = nil }
            for team in delta.teams.upserted { teams[team.id] = team }
            parts.teams = Array(teams.values)
            var users = Dictionary(parts.users.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
            for user in delta.users.upserted { users[user.id] = user }
            parts.users = Array(users.values)
            if let deployments = delta.deployments { parts.deployments = deployments }
        }

        var snapshot: PolicySnapshot { PolicySnapshot(parts: LiteLLMPolicyMapper.merge(config: config, database: parts)) }
    }

    static func allowed(_ key: String, _ model: String, _ snapshot: PolicySnapshot) -> Decision {
        LiteLLMDatabaseReaderTests.decide(key, "POST", "/v1/chat/completions", model: model, in: snapshot)
    }

    /// A scenario running and a read-only connection to it for `body`, closed either way.
    static func withScenario(id: Int, _ body: (LiteLLMScenario, PostgresConnection, Logger) async throws -> Void) async throws {
        let scenario = try LiteLLMScenario.start()
        defer { scenario.stop() }
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(
            configuration: DatabaseURL(parsing: scenario.url).connectionConfiguration(), id: id, logger: logger)
        do {
            try await body(scenario, connection, logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    @Test func sqlChangesAreFoundWithinAPoll() async throws {
        try await Self.withScenario(id: 2) { scenario, connection, logger in
            let cipher = LiteLLMCipher(saltKey: LiteLLMSaltKey(scenario.saltKey, origin: .saltKey))
            let mapper = LiteLLMPolicyMapper(cipher: cipher, environment: [:])
            let contents = try await LiteLLMDatabaseReader.readAll(on: connection, logger: logger)
            var tracker = LiteLLMChangeTracker(mapper: mapper, loaded: contents)
            let config = try GatewayConfig.parse(yaml: LiteLLMDatabaseReaderTests.config, environment: [:]).parts
            var applied = Applied(parts: mapper.parts(contents).parts, config: config)

            // An idle poll changes nothing.
            let idle = tracker.apply(try await LiteLLMDatabaseReader.poll(tracker, on: connection, logger: logger))
            #expect(idle.isEmpty)

            /// Polls every 250 ms until `holds` is true of the policy; returns the seconds it took.
            /// The clock starts at the commit; the first poll comes 0-250 ms later, as a change
            /// lands at any point of a 250 ms polling cycle.
            func inForce(_ what: String, _ holds: (PolicySnapshot) -> Bool) async throws -> Double {
                let start = ContinuousClock.now
                try await Task.sleep(for: .milliseconds(Int.random(in: 0..<250)))
                while true {
                    let delta = tracker.apply(try await LiteLLMDatabaseReader.poll(tracker, on: connection, logger: logger))
                    applied.apply(delta)
                    if holds(applied.snapshot) {
                        let elapsed = ContinuousClock.now - start
                        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    }
                    if ContinuousClock.now - start > .seconds(5) {
                        Issue.record("\(what): not in force after 5 s")
                        return 5
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }

            var latencies: [Double] = []
            for round in 0..<9 {
                let created = try scenario.send(["op": "new_key", "models": ["gpt-4o-mini"], "alias": "poll-\(round)"])["key"] as! String
                latencies.append(try await inForce("create") { Self.allowed(created, "gpt-4o-mini", $0).allow })
                try scenario.send(["op": "update_key", "key": created, "fields": ["models": ["gpt-4o"]]])
                latencies.append(try await inForce("update models") {
                    Self.allowed(created, "gpt-4o", $0).allow && !Self.allowed(created, "gpt-4o-mini", $0).allow
                })
                try scenario.send(["op": "update_key", "key": created, "fields": ["blocked": true]])
                latencies.append(try await inForce("block") { Self.allowed(created, "gpt-4o", $0).reason == .keyBlocked })
                try scenario.send(["op": "update_key", "key": created, "fields": ["blocked": false]])
                latencies.append(try await inForce("unblock") { Self.allowed(created, "gpt-4o", $0).allow })
                try scenario.send(["op": "update_team", "team_id": "team-mini", "fields": ["blocked": true]])
                let teamKey = scenario.keys["team-mini"]!
                latencies.append(try await inForce("team block") { Self.allowed(teamKey, "gpt-4o-mini", $0).reason == .keyBlocked })
                try scenario.send(["op": "update_team", "team_id": "team-mini", "fields": ["blocked": false]])
                latencies.append(try await inForce("team unblock") { Self.allowed(teamKey, "gpt-4o-mini", $0).allow })
                if round % 3 == 0 {
                    try scenario.send(["op": "delete_key", "key": created])
                    latencies.append(try await inForce("delete") { Self.allowed(created, "gpt-4o", $0).reason == .invalidKey })
                } else if round % 3 == 1 {
                    // No archive, no updated_at: found by the full reconciliation (every 60 s in
                    // the source), not by the poll; not part of the 1 s figures.
                    try scenario.send(["op": "delete_key_by_hand", "key": created])
                    applied.apply(tracker.apply(try await LiteLLMDatabaseReader.poll(tracker, on: connection, logger: logger)))
                    #expect(Self.allowed(created, "gpt-4o", applied.snapshot).allow)
                    applied.apply(tracker.reconcile(try await LiteLLMDatabaseReader.readAll(on: connection, logger: logger)))
                    #expect(Self.allowed(created, "gpt-4o", applied.snapshot).reason == .invalidKey)
                } else {
                    let rotated = try scenario.send(["op": "regenerate_key", "key": created])["key"] as! String
                    latencies.append(try await inForce("regenerate without grace") {
                        Self.allowed(created, "gpt-4o", $0).reason == .invalidKey && Self.allowed(rotated, "gpt-4o", $0).allow
                    })
                }
            }
            #expect(latencies.count >= 50)
            // The poll right after (and no other) also finds nothing more to do.
            #expect(tracker.apply(try await LiteLLMDatabaseReader.poll(tracker, on: connection, logger: logger)).isEmpty)
            let sorted = latencies.sorted()
            let p50 = sorted[sorted.count / 2]
            let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
            print("LITELLM-POLL changes=\(sorted.count) p50_ms=\(Int(p50 * 1000)) p99_ms=\(Int(p99 * 1000)) max_ms=\(Int(sorted.last! * 1000))")
            #expect(p99 < 1.0)
        }
    }

    /// A team member's own model list (LiteLLM's `/team/member_add` and `/team/member_update`
    /// with `allowed_models`) limits that user's keys of the team, as LiteLLM's
    /// `check_team_member_model_access` does, from the next poll.
    @Test func aMembersOwnModelListIsInForceFromTheNextPoll() async throws {
        try await Self.withScenario(id: 4) { scenario, connection, logger in
            let mapper = LiteLLMPolicyMapper(cipher: nil, environment: [:])
            let contents = try await LiteLLMDatabaseReader.readAll(on: connection, logger: logger)
            var tracker = LiteLLMChangeTracker(mapper: mapper, loaded: contents)
            let config = try GatewayConfig.parse(yaml: LiteLLMDatabaseReaderTests.config, environment: [:]).parts
            var applied = Applied(parts: mapper.parts(contents).parts, config: config)
            func poll() async throws {
                applied.apply(tracker.apply(try await LiteLLMDatabaseReader.poll(tracker, on: connection, logger: logger)))
            }
            func decide(_ key: String, _ model: String) -> Decision { Self.allowed(key, model, applied.snapshot) }

            // team-frontier's list is the frontier access group: gpt-4o and claude-opus-4-7.
            let member = try scenario.send(["op": "new_key", "team_id": "team-frontier", "user_id": "member-1"])["key"] as! String
            let budget = try scenario.send([
                "op": "add_team_member", "team_id": "team-frontier", "user_id": "member-1", "allowed_models": ["claude-opus-4-7"],
            ])["budget_id"] as! String
            try await poll()
            #expect(decide(member, "claude-opus-4-7").allow)
            let denied = decide(member, "gpt-4o")
            #expect(!denied.allow && denied.reason == .teamModelAccessDenied && denied.message.contains("member-1"))
            // The team's other keys are not limited by it.
            #expect(decide(scenario.keys["all-team"]!, "gpt-4o").allow)

            // member_update changes only the budget row: no team row is touched.
            try scenario.send(["op": "update_member_models", "budget_id": budget, "allowed_models": ["gpt-4o"]])
            try await poll()
            #expect(decide(member, "gpt-4o").allow)
            #expect(decide(member, "claude-opus-4-7").reason == .teamModelAccessDenied)
            let reread = mapper.parts(try await LiteLLMDatabaseReader.readAll(on: connection, logger: logger)).parts
            #expect(reread.teams.first { $0.id == "team-frontier" }?.memberModels == ["member-1": ["gpt-4o"]])

            // An empty list: the team's list alone again.
            try scenario.send(["op": "update_member_models", "budget_id": budget, "allowed_models": [String]()])
            try await poll()
            #expect(decide(member, "claude-opus-4-7").allow && decide(member, "gpt-4o").allow)
        }
    }
}

/// The source's own loop: load, then deltas delivered as LiteLLM's rows change.
@Suite(.enabled(if: LiteLLMScenario.python != nil || LiteLLMScenario.required, "needs Tests/litellm/.venv (Tests/litellm/setup-venv)"))
struct LiteLLMPolicySourceTests {
    final class Deliveries: @unchecked Sendable {
        private let lock = NSLock()
        private var deltas: [LiteLLMDelta] = []
        private var failures: [String] = []
        func add(_ delta: LiteLLMDelta) { lock.withLock { deltas.append(delta) } }
        func failed(_ reason: String) { lock.withLock { failures.append(reason) } }
        var all: [LiteLLMDelta] { lock.withLock { deltas } }
        var failed: [String] { lock.withLock { failures } }
    }

    /// The scenario's database as a source: loaded, then running until the task is cancelled.
    static func running(
        _ scenario: LiteLLMScenario, reconcileEvery interval: Duration, into deliveries: Deliveries
    ) async throws -> (LiteLLMContents, Task<Void, Never>) {
        let cipher = LiteLLMCipher(saltKey: LiteLLMSaltKey(scenario.saltKey, origin: .saltKey))
        var source = LiteLLMPolicySource(
            url: try DatabaseURL(parsing: scenario.url), mapper: LiteLLMPolicyMapper(cipher: cipher, environment: [:]),
            logger: Logger(label: "test"))
        source.reconcileInterval = interval
        let contents = try await source.load(waitUpTo: 5)
        let loop = Task { [source] in
            await source.run(
                tracker: LiteLLMChangeTracker(mapper: source.mapper, loaded: contents),
                deliver: { deliveries.add($0) }, failed: { deliveries.failed($0) })
        }
        return (contents, loop)
    }

    @Test func loadsThenDeliversChangesAndReconciles() async throws {
        let scenario = try LiteLLMScenario.start()
        defer { scenario.stop() }
        let deliveries = Deliveries()
        let (contents, loop) = try await Self.running(scenario, reconcileEvery: .seconds(1), into: deliveries)
        defer { loop.cancel() }
        #expect(contents.keys.count >= 10)
        let key = scenario.keys["mini"]!
        try scenario.send(["op": "update_key", "key": key, "fields": ["blocked": true]])
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline, !deliveries.all.contains(where: { $0.keys.upserted.contains { $0.hash == KeyHash(hashing: key) && $0.blocked } }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(deliveries.all.contains { $0.keys.upserted.contains { $0.hash == KeyHash(hashing: key) && $0.blocked } })
        #expect(deliveries.failed.isEmpty)
        // A second of quiet spans a reconciliation: nothing changed, so nothing is delivered.
        let delivered = deliveries.all.count
        try await Task.sleep(for: .milliseconds(1500))
        #expect(deliveries.all.count == delivered)
    }

    @Test func aTableTheRoleCannotReadStopsTheStartNamingIt() async throws {
        let scenario = try LiteLLMScenario.start()
        defer { scenario.stop() }
        try scenario.send(["op": "revoke_select", "table": "LiteLLM_TeamTable"])
        let source = LiteLLMPolicySource(
            url: try DatabaseURL(parsing: scenario.url), mapper: LiteLLMPolicyMapper(cipher: nil, environment: [:]),
            logger: Logger(label: "test"))
        let started = ContinuousClock.now
        do {
            _ = try await source.load(waitUpTo: 30)
            Issue.record("loaded without SELECT on LiteLLM_TeamTable")
        } catch {
            #expect(!error.isConnectivity && error.description.contains("permission denied for table LiteLLM_TeamTable"))
            #expect(!error.description.contains("ro-scenario-pw"))
        }
        // Refused at once, not retried for the 30 s an outage would be.
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test func withoutTheArchivesDeletionsAreFoundFromEveryTokenAndTeamID() async throws {
        let scenario = try LiteLLMScenario.start()
        defer { scenario.stop() }
        for table in ["LiteLLM_DeletedVerificationToken", "LiteLLM_DeletedTeamTable"] {
            try scenario.send(["op": "revoke_select", "table": table])
        }
        let url = try DatabaseURL(parsing: scenario.url)
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration(), id: 3, logger: logger)
        let readable = try await LiteLLMDatabaseReader.canRead(LiteLLMDatabaseReader.archiveTables, on: connection, logger: logger)
        try await connection.close()
        #expect(!readable)

        // Deletions must come from the polls, not from a reconciliation.
        let deliveries = Deliveries()
        let (_, loop) = try await Self.running(scenario, reconcileEvery: .seconds(600), into: deliveries)
        defer { loop.cancel() }
        try await Task.sleep(for: .milliseconds(500))
        let key = scenario.keys["mini"]!
        try scenario.send(["op": "delete_key", "key": key])
        try scenario.send(["op": "delete_team", "team_id": "team-frontier"])
        func found() -> Bool {
            let all = deliveries.all
            return all.contains { $0.keys.deleted.contains(KeyHash(hashing: key)) } && all.contains { $0.teams.deleted.contains("team-frontier") }
        }
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline, !found() { try await Task.sleep(for: .milliseconds(20)) }
        #expect(found())
        #expect(deliveries.failed.isEmpty, "\(deliveries.failed)")
    }
}

/// Faults that need no database.
@Suite struct LiteLLMPolicySourceFaultTests {
    @Test func anUnreachableDatabaseFailsNamingTheHostNotThePassword() async throws {
        let url = try DatabaseURL(parsing: "postgresql://ro:sekret-pw-123@127.0.0.1:1/litellm")
        let source = LiteLLMPolicySource(url: url, mapper: LiteLLMPolicyMapper(cipher: nil, environment: [:]), logger: Logger(label: "test"))
        do {
            _ = try await source.load(waitUpTo: 0.5)
            Issue.record("loaded from a closed port")
        } catch {
            #expect("\(error)".contains("127.0.0.1"))
            #expect(!"\(error)".contains("sekret-pw-123"))
        }
    }
}
