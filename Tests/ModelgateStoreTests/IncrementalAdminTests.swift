import Foundation
import ModelgateConfig
import ModelgateCore
import Testing
@testable import ModelgateStore

/// Admin writes reach the running policy as changes (through the change log and
/// `ChangeFollower`), never as a full re-read; the result must equal a full re-read.
@Suite("Incremental policy changes from admin writes")
struct IncrementalAdminTests {
    static func builder(_ storage: any PolicyStorage, cipher: CredentialCipher?, config: GatewayConfig) -> SnapshotBuilder {
        SnapshotBuilder(holder: SnapshotHolder(.empty), config: config, environmentMasterKey: nil, logger: quietLogger) {
            try storage.read { try StoreContents.load($0) }.policyParts(cipher: cipher, logger: quietLogger).parts
        }
    }

    /// A running service's wiring: full load once, then every write's changes applied.
    static func service(_ storage: any PolicyStorage, cipher: CredentialCipher?, config: GatewayConfig) throws -> (SnapshotBuilder, AdminOperations) {
        let builder = builder(storage, cipher: cipher, config: config)
        let follower = ChangeFollower(storage: storage, cipher: cipher, logger: quietLogger) { builder.apply($0) }
        let version = try follower.latestVersion()
        try builder.rebuild()
        follower.loaded(through: version)
        let operations = AdminOperations(
            storage: storage, cipher: cipher, logger: quietLogger,
            staticTeamIDs: { builder.configTeamIDs }, didCommit: { _ = try follower.catchUp() })
        return (builder, operations)
    }

    /// The admin path (either backend, `TestBackend`): each write sends the changes it made
    /// (deleting a team takes its keys, deleting by alias, renaming a credential), and the
    /// result equals a re-read.
    @Test("admin writes agree with a full re-read of the database", arguments: 0..<4)
    func adminWritesAgree(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let storage = try DatabaseArgument.open(directory.databasePath, logger: quietLogger)
        defer { storage.close() }
        let cipher = try #require(CredentialCipher(secret: secretKey))
        let (builder, operations) = try Self.service(storage, cipher: cipher, config: IncrementalApplyTests.config)
        let catalog = builder.holder.snapshot.catalog
        var random = SplitMix64(seed: seed)
        var keys: [String] = []
        var teams: [String] = []
        var users: [String] = []
        var credentials: [String] = []
        for step in 0..<150 {
            switch random.next(below: 11) {
            case 0, 1:
                var request = KeyGenerateRequest(key: nil)
                request.alias = random.next(below: 2) == 0 ? "alias-\(step)" : nil
                request.teamID = teams.randomElement(using: &random) ?? (random.next(below: 2) == 0 ? "config-only" : nil)
                request.userID = users.randomElement(using: &random)
                request.models = random.next(below: 2) == 0 ? ["claude"] : []
                request.tags = random.next(below: 3) == 0 ? ["t\(step % 3)"] : nil
                keys.append(try operations.generateKey(request).key)
            case 2:
                guard let key = keys.randomElement(using: &random) else { continue }
                var request = KeyUpdateRequest(key: key)
                request.blocked = random.next(below: 2) == 0
                request.models = random.next(below: 2) == 0 ? ["m\(step)"] : nil
                _ = try? operations.updateKey(request)
            case 3:
                guard let key = keys.randomElement(using: &random) else { continue }
                let stored = try? operations.keyInfo(key)
                if let alias = stored?.alias, random.next(below: 2) == 0 {
                    _ = try? operations.deleteKeys(references: [], aliases: [alias])
                } else {
                    _ = try? operations.deleteKeys(references: [key], aliases: [])
                }
            case 4:
                var request = TeamNewRequest(teamID: nil)
                request.teamID = random.next(below: 3) == 0 ? "team-0" : "team-\(step)"
                request.models = ["claude", "m\(step % 4)"]
                if (try? operations.newTeam(request)) != nil { teams.append(request.teamID!) }
            case 5:
                guard let team = teams.randomElement(using: &random) else { continue }
                var request = TeamUpdateRequest(teamID: team)
                request.blocked = random.next(below: 2) == 0
                request.tags = ["x"]
                _ = try? operations.updateTeam(request)
            case 6:
                guard let team = teams.randomElement(using: &random) else { continue }
                if (try? operations.deleteTeams([team])) != nil { teams.removeAll { $0 == team } }
            case 7:
                var request = UserNewRequest()
                request.userID = random.next(below: 3) == 0 ? "user-1" : "user-\(step)"
                request.models = ["m\(step % 5)"]
                if let created = try? operations.newUser(request) {
                    users.append(created.user.id)
                    if let key = created.key { keys.append(key.key) }
                }
            case 8:
                guard let user = users.randomElement(using: &random) else { continue }
                var request = UserUpdateRequest(userID: user)
                request.models = ["u\(step)"]
                _ = try? operations.updateUser(request)
            case 9:
                let name = random.next(below: 3) == 0 ? "cred-0" : "cred-\(step)"
                if (try? operations.addCredential(CredentialNewRequest(name: name, values: ["api_key": "secret-\(step)"], info: ["custom_llm_provider": .string("openai")]))) != nil {
                    credentials.append(name)
                }
            default:
                guard let name = credentials.randomElement(using: &random) else { continue }
                if random.next(below: 2) == 0 {
                    var request = CredentialPatchRequest(name: name)
                    request.values = ["api_key": "patched-\(step)"]
                    if random.next(below: 2) == 0 { request.newName = "renamed-\(step)" }
                    if (try? operations.updateCredential(request)) != nil, let newName = request.newName {
                        credentials.removeAll { $0 == name }
                        credentials.append(newName)
                    }
                } else if (try? operations.deleteCredential(name)) != nil {
                    credentials.removeAll { $0 == name }
                }
            }
        }
        let incremental = SnapshotFacts(builder.holder.snapshot)
        let fresh = Self.builder(storage, cipher: cipher, config: IncrementalApplyTests.config)
        try fresh.rebuild()
        let full = SnapshotFacts(fresh.holder.snapshot)
        #expect(incremental.keys.count > 4)
        // Every write went in as changes: a full build would have made a new catalog.
        #expect(builder.holder.snapshot.catalog === catalog)
        #expect(incremental.difference(from: full).isEmpty, "seed \(seed): \(incremental.difference(from: full))")
    }

    /// Writes racing from several threads end with the snapshot equal to the database: commit
    /// and apply happen in the same order.
    @Test("concurrent admin writes to one key end in the committed state")
    func concurrentWritesToOneKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let storage = try DatabaseArgument.open(directory.databasePath, logger: quietLogger)
        defer { storage.close() }
        let (builder, operations) = try Self.service(storage, cipher: nil, config: GatewayConfig())
        let key = try operations.generateKey(KeyGenerateRequest(key: nil)).key
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for round in 0..<40 {
                        var request = KeyUpdateRequest(key: key)
                        request.models = ["w\(writer)-r\(round)"]
                        request.blocked = (writer + round) % 2 == 0
                        _ = try? operations.updateKey(request)
                    }
                }
            }
        }
        let stored = try operations.keyInfo(key)
        let inForce = try #require(builder.holder.snapshot.keys[stored.hash])
        #expect(inForce.models == stored.models)
        #expect(inForce.blocked == stored.blocked)
    }

}
