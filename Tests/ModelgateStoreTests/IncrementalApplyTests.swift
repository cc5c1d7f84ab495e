import Foundation
import ModelgateConfig
import ModelgateCore
import Synchronization
import Testing
@testable import ModelgateStore

/// Applying changes one by one must give exactly the snapshot a full build from the same final
/// contents gives (keys, teams, users, credentials, with the config underneath).
@Suite("Incremental policy changes")
struct IncrementalApplyTests {
    /// The config underneath: some ids the random changes also use, so source records shadow
    /// config ones and deleting them brings the config's back.
    static let config = GatewayConfig(parts: PolicyParts(
        deployments: [Deployment(groupName: "claude", provider: .bedrock, modelID: "anthropic.claude", litellmModel: "bedrock/anthropic.claude")],
        keys: (0..<4).map { VirtualKey(hash: KeyHash(hashing: "sk-pool-\($0)"), alias: "config-key-\($0)", models: ["claude"]) },
        teams: [Team(id: "team-0", alias: "config team", models: ["claude"]), Team(id: "config-only", blocked: true)],
        users: [User(id: "user-1", models: ["claude"])],
        credentials: [Credential(name: "cred-0", provider: .bedrock, apiKey: Secret("config-secret"))]))

    @Test("random change sequences agree with a full build of the same contents", arguments: 0..<24)
    func randomSequencesAgree(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let source = Mutex(SourceModel())
        let incremental = SnapshotBuilder(holder: SnapshotHolder(.empty), config: Self.config, environmentMasterKey: nil, logger: quietLogger) {
            source.withLock { $0.parts }
        }
        try incremental.rebuild()
        for step in 0..<300 {
            var batch: [PolicyChange] = []
            for _ in 0..<(random.next(below: 4) == 0 ? 1 + random.next(below: 5) : 1) {
                let change = Self.randomChange(&random, step: step, source: source.withLock { $0 })
                source.withLock { $0.apply(change) }
                batch.append(change)
            }
            let before = incremental.holder.snapshot
            let beforeFacts = SnapshotFacts(before)
            incremental.apply(batch)
            #expect(incremental.holder.snapshot.generation == before.generation + 1)
            // The snapshot a check may still hold is never changed under it.
            #expect(SnapshotFacts(before) == beforeFacts)
            if step % 25 == 24 {
                try expectAgreement(incremental, source.withLock { $0.parts }, seed: seed, step: step)
            }
        }
        try expectAgreement(incremental, source.withLock { $0.parts }, seed: seed, step: 300)
    }

    @Test("a source delete brings back the config's record of the same id")
    func deleteRevealsConfig() throws {
        let builder = SnapshotBuilder(holder: SnapshotHolder(.empty), config: Self.config, environmentMasterKey: nil, logger: quietLogger) { PolicyParts() }
        try builder.rebuild()
        let hash = KeyHash(hashing: "sk-pool-1")
        builder.apply([
            .keyUpserted(VirtualKey(hash: hash, alias: "stored", blocked: true)),
            .teamUpserted(Team(id: "team-0", models: ["other"])),
            .userUpserted(User(id: "user-1", models: ["other"])),
            .credentialUpserted(Credential(name: "cred-0", unavailableReason: "cannot decrypt")),
        ])
        var snapshot = builder.holder.snapshot
        #expect(snapshot.keys[hash]?.alias == "stored")
        #expect(snapshot.teams["team-0"]?.models == ["other"])
        #expect(snapshot.users["user-1"]?.models == ["other"])
        #expect(snapshot.credentials["cred-0"]?.apiKey == nil)
        builder.apply([.keyDeleted(hash), .teamDeleted(id: "team-0"), .userDeleted(id: "user-1"), .credentialDeleted(name: "cred-0")])
        snapshot = builder.holder.snapshot
        #expect(snapshot.keys[hash]?.alias == "config-key-1")
        #expect(snapshot.teams["team-0"]?.alias == "config team")
        #expect(snapshot.users["user-1"]?.models == ["claude"])
        #expect(snapshot.credentials["cred-0"]?.apiKey?.reveal == "config-secret")
        builder.apply([.keyDeleted(KeyHash(hashing: "sk-pool-9")), .teamDeleted(id: "nowhere")])
        #expect(builder.holder.snapshot.keys.count == 4)
        #expect(builder.holder.snapshot.teams["nowhere"] == nil)
        // The catalog is shared, not rebuilt, by a change.
        #expect(builder.holder.snapshot.catalog === snapshot.catalog)
    }

    @Test("a source's deployments follow the config's; its settings change is kept through changes")
    func sourceDeploymentsAndSettings() throws {
        let model = Deployment(groupName: "db-model", provider: .openai, modelID: "gpt-4o", litellmModel: "openai/gpt-4o")
        let builder = SnapshotBuilder(
            holder: SnapshotHolder(.empty), config: Self.config, environmentMasterKey: nil, logger: quietLogger,
            sourceSettings: { $0.userModelsApplyToTeamKeys = false }
        ) { PolicyParts(deployments: [model]) }
        try builder.rebuild()
        #expect(builder.holder.snapshot.catalog.deployments.map(\.groupName) == ["claude", "db-model"])
        #expect(builder.holder.snapshot.settings.userModelsApplyToTeamKeys == false)
        let keys = builder.holder.snapshot.keys
        builder.apply([.deploymentsReplaced([])])
        #expect(builder.holder.snapshot.catalog.deployments.map(\.groupName) == ["claude"])
        #expect(builder.holder.snapshot.settings.userModelsApplyToTeamKeys == false)
        #expect(builder.holder.snapshot.keys.count == keys.count)
        builder.apply([.reloadAll(PolicyParts(deployments: [model, model]))])
        #expect(builder.holder.snapshot.catalog.deployments.map(\.groupName) == ["claude", "db-model", "db-model"])
    }

    private static func randomChange(_ random: inout SplitMix64, step: Int, source: SourceModel) -> PolicyChange {
        let pick = random.next(below: 20)
        switch pick {
        case 0..<7:
            let hash = KeyHash(hashing: "sk-pool-\(random.next(below: 120))")
            return .keyUpserted(VirtualKey(
                hash: hash, alias: random.next(below: 2) == 0 ? "a\(step)" : nil,
                teamID: random.next(below: 2) == 0 ? "team-\(random.next(below: 6))" : nil,
                userID: random.next(below: 3) == 0 ? "user-\(random.next(below: 4))" : nil,
                models: [["claude"], [], ["m\(random.next(below: 3))", "claude"]][Int(random.next(below: 3))],
                blocked: random.next(below: 4) == 0,
                expires: random.next(below: 4) == 0 ? Date(timeIntervalSince1970: Double(1_700_000_000 + step)) : nil,
                tags: random.next(below: 3) == 0 ? ["t\(random.next(below: 3))"] : [],
                modelConfig: random.next(below: 5) == 0 ? ModelConfig(defaultConfig: ["openai": "cred-1"], perGroup: [:]) : .none))
        case 7..<11:
            return .keyDeleted(KeyHash(hashing: "sk-pool-\(random.next(below: 120))"))
        case 11:
            return .teamUpserted(Team(id: "team-\(random.next(below: 6))", alias: "t\(step)", models: ["m\(step % 4)"], blocked: random.next(below: 3) == 0, tags: ["x\(step % 2)"]))
        case 12:
            return .teamDeleted(id: random.next(below: 2) == 0 ? "team-\(random.next(below: 6))" : "config-only")
        case 13:
            return .userUpserted(User(id: "user-\(random.next(below: 4))", models: ["u\(step % 3)"]))
        case 14:
            return .userDeleted(id: "user-\(random.next(below: 4))")
        case 15:
            let name = "cred-\(random.next(below: 4))"
            return .credentialUpserted(random.next(below: 3) == 0
                ? Credential(name: name, provider: .openai, unavailableReason: "cannot decrypt \(step % 2)")
                : Credential(name: name, provider: .openai, apiKey: Secret("s\(step)")))
        case 16:
            return .credentialDeleted(name: "cred-\(random.next(below: 4))")
        case 17 where random.next(below: 2) == 0:
            return .deploymentsReplaced((0..<random.next(below: 3)).map { index in
                Deployment(groupName: "db-model-\(index)-\(step % 2)", provider: .openai, modelID: "gpt-\(index)", litellmModel: "openai/gpt-\(index)")
            })
        case 17:
            // A source that lost track re-sends everything it has (plus one change).
            var parts = source.parts
            parts.keys.append(VirtualKey(hash: KeyHash(hashing: "sk-pool-\(random.next(below: 120))"), alias: "reloaded\(step)"))
            return .reloadAll(parts)
        default:
            return .keyDeleted(KeyHash(hashing: "sk-pool-\(random.next(below: 4))"))
        }
    }

    private func expectAgreement(_ incremental: SnapshotBuilder, _ contents: PolicyParts, seed: UInt64, step: Int) throws {
        let full = SnapshotBuilder(holder: SnapshotHolder(.empty), config: Self.config, environmentMasterKey: nil, logger: quietLogger) { contents }
        try full.rebuild()
        let got = SnapshotFacts(incremental.holder.snapshot)
        let want = SnapshotFacts(full.holder.snapshot)
        // The differing ids only: the whole facts would flood the output.
        #expect(got.difference(from: want).isEmpty, "seed \(seed) step \(step): \(got.difference(from: want))")
        #expect(incremental.holder.snapshot.keys.count == full.holder.snapshot.keys.count)
    }
}

/// What a source holds, changed the way the changes say; its `parts` feed a full build.
private struct SourceModel {
    var keys: [KeyHash: VirtualKey] = [:]
    var teams: [String: Team] = [:]
    var users: [String: User] = [:]
    var credentials: [String: Credential] = [:]
    var deployments: [Deployment] = []

    var parts: PolicyParts {
        PolicyParts(
            deployments: deployments, keys: Array(keys.values), teams: Array(teams.values), users: Array(users.values),
            credentials: Array(credentials.values))
    }

    mutating func apply(_ change: PolicyChange) {
        switch change {
        case .keyUpserted(let key): keys[key.hash] = key
        case .keyDeleted(let hash): keys[hash] = nil
        case .teamUpserted(let team): teams[team.id] = team
        case .teamDeleted(let id): teams[id] = nil
        case .userUpserted(let user): users[user.id] = user
        case .userDeleted(let id): users[id] = nil
        case .credentialUpserted(let credential): credentials[credential.name] = credential
        case .credentialDeleted(let name): credentials[name] = nil
        case .deploymentsReplaced(let list): deployments = list
        case .reloadAll(let parts):
            self = SourceModel()
            deployments = parts.deployments
            for key in parts.keys { keys[key.hash] = key }
            for team in parts.teams { teams[team.id] = team }
            for user in parts.users { users[user.id] = user }
            for credential in parts.credentials { credentials[credential.name] = credential }
        case .sourceUnreachable, .sourceReachable: break  // no contents change
        }
    }
}

/// Everything a check can read from a snapshot's keys, teams, users and credentials, comparable.
struct SnapshotFacts: Equatable {
    struct Key: Equatable {
        var alias, teamID, userID: String?
        var models, tags: [String]
        var blocked: Bool
        var expires: Date?
        var modelConfig: ModelConfig
    }

    struct TeamFacts: Equatable {
        var alias: String?
        var models, tags: [String]
        var blocked: Bool
        var modelConfig: ModelConfig
    }

    struct CredentialFacts: Equatable {
        var provider, apiKey, unavailableReason: String?
    }

    var keys: [KeyHash: Key] = [:]
    var teams: [String: TeamFacts] = [:]
    var users: [String: [String]] = [:]
    var credentials: [String: CredentialFacts] = [:]
    var deployments: [String]

    init(_ snapshot: PolicySnapshot) {
        for key in snapshot.keys.values {
            keys[key.hash] = Key(
                alias: key.alias, teamID: key.teamID, userID: key.userID, models: key.models, tags: key.tags,
                blocked: key.blocked, expires: key.expires, modelConfig: key.modelConfig)
        }
        for (id, team) in snapshot.teams {
            #expect(team.id == id)
            teams[id] = TeamFacts(alias: team.alias, models: team.models, tags: team.tags, blocked: team.blocked, modelConfig: team.modelConfig)
        }
        for (id, user) in snapshot.users {
            #expect(user.id == id)
            users[id] = user.models
        }
        for (name, credential) in snapshot.credentials {
            #expect(credential.name == name)
            credentials[name] = CredentialFacts(
                provider: credential.provider?.rawValue, apiKey: credential.apiKey?.reveal, unavailableReason: credential.unavailableReason)
        }
        deployments = snapshot.catalog.deployments.map(\.groupName)
    }

    /// The ids whose facts differ ("" when none), for a failure message.
    func difference(from other: SnapshotFacts) -> String {
        func ids<ID: Hashable & CustomStringConvertible, V: Equatable>(_ name: String, _ a: [ID: V], _ b: [ID: V]) -> String {
            let differing = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.map(\.description).sorted()
            return differing.isEmpty ? "" : "\(name) \(differing) "
        }
        return ids("keys", keys, other.keys) + ids("teams", teams, other.teams) + ids("users", users, other.users)
            + ids("credentials", credentials, other.credentials) + (deployments == other.deployments ? "" : "deployments \(deployments) vs \(other.deployments)")
    }
}

/// A small seeded generator, so a failing sequence can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: UInt64) -> UInt64 { next() % bound }
}
