import Foundation
import GRDB
import Logging
import ModelgateCore
import Testing
@testable import ModelgateStore

@Suite("Store lifecycle")
struct StoreLifecycleTests {
    @Test("first start creates the file, migrates it and uses WAL", .enabled(if: TestBackend.sqlite))
    func firstStartCreatesAndMigrates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        #expect(!FileManager.default.fileExists(atPath: directory.databasePath))

        let store = try SQLiteStorage(path: directory.databasePath)
        #expect(FileManager.default.fileExists(atPath: directory.databasePath))
        #expect(try store.appliedMigrations() == ["v1: keys, teams, users, credentials", "v2: change log"])
        let journalMode = try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
        let tables = try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(tables == ["credential", "internal_user", "policy_change", "policy_change_state", "team", "virtual_key"])
        // The database and its -wal and -shm files are private from their creation (CONTRACT §4).
        try store.write { try $0.insert(StoredTeam(id: "t", alias: nil, models: [], blocked: false, metadata: [:], createdAt: Date(), updatedAt: Date())) }
        for suffix in ["", "-wal", "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.databasePath + suffix)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(suffix)")
        }
    }

    @Test("opening an existing file applies no migration twice", .enabled(if: TestBackend.sqlite))
    func reopenIsIdempotent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        _ = try SQLiteStorage(path: directory.databasePath)
        let reopened = try SQLiteStorage(path: directory.databasePath)
        #expect(try reopened.appliedMigrations().count == 2)
    }

    @Test("a path that cannot be a database is a clear error", .enabled(if: TestBackend.sqlite))
    func unopenableDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.url.appendingPathComponent("missing-dir/db.sqlite").path
        #expect {
            _ = try SQLiteStorage(path: path)
        } throws: { error in
            "\(error)".contains("cannot open the database \(path)")
        }
    }

    @Test("a restart keeps every key, team, user and credential")
    func restartKeepsEverything() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let logger = quietLogger

        var first: PolicyService? = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: logger)
        let service = try #require(first)
        #expect(try await service.call("POST", "/team/new", #"{"team_id": "team-1", "models": ["gpt-4o"], "metadata": {"tags": ["eu"]}}"#).status == 200)
        #expect(try await service.call("POST", "/user/new", #"{"user_id": "u-1", "models": ["gpt-4o"], "auto_create_key": false}"#).status == 200)
        #expect(try await service.call("POST", "/credentials", #"{"credential_name": "openai-team-1", "credential_values": {"api_key": "sk-provider-secret-1"}, "credential_info": {"custom_llm_provider": "openai"}}"#).status == 200)
        let generated = try await service.call("POST", "/key/generate", #"{"key_alias": "ci", "team_id": "team-1", "user_id": "u-1", "models": ["gpt-4o"], "duration": "30d", "metadata": {"model_config": {"defaultconfig": {"openai": {"litellm_credentials": "openai-team-1"}}}}}"#)
        #expect(generated.status == 200)
        let rawKey = try #require(generated["key"]?.stringValue)
        let blocked = try await service.call("POST", "/key/generate", #"{"key_alias": "off", "blocked": true}"#)
        let blockedKey = try #require(blocked["key"]?.stringValue)
        let before = service.holder.snapshot
        first = nil

        let restarted = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: logger)
        let snapshot = restarted.holder.snapshot
        #expect(restarted.isReady)
        let key = try #require(snapshot.keys[KeyHash(hashing: rawKey)])
        #expect(key.alias == "ci")
        #expect(key.teamID == "team-1")
        #expect(key.userID == "u-1")
        #expect(key.models == ["gpt-4o"])
        #expect(key.blocked == false)
        #expect(key.expires == before.keys[KeyHash(hashing: rawKey)]?.expires)
        #expect(key.modelConfig.defaultConfig == ["openai": "openai-team-1"])
        #expect(snapshot.keys[KeyHash(hashing: blockedKey)]?.blocked == true)
        #expect(snapshot.teams["team-1"]?.models == ["gpt-4o"])
        #expect(snapshot.teams["team-1"]?.tags == ["eu"])
        #expect(snapshot.users["u-1"]?.models == ["gpt-4o"])
        let credential = try #require(snapshot.credentials["openai-team-1"])
        #expect(credential.provider == .openai)
        #expect(credential.apiKey?.reveal == "sk-provider-secret-1")
        #expect(snapshot.keys.count == before.keys.count)
        #expect(snapshot.teams.count == before.teams.count)
    }

    @Test("every admin write swaps in a new snapshot before answering")
    func writesSwapBeforeAnswering() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
        let generation = service.holder.snapshot.generation

        let generated = try await service.call("POST", "/key/generate", #"{"models": ["a"]}"#)
        let rawKey = try #require(generated["key"]?.stringValue)
        let hash = KeyHash(hashing: rawKey)
        #expect(service.holder.snapshot.keys[hash]?.models == ["a"])
        #expect(service.holder.snapshot.generation > generation)

        _ = try await service.call("POST", "/key/block", #"{"key": "\#(rawKey)"}"#)
        #expect(service.holder.snapshot.keys[hash]?.blocked == true)
        _ = try await service.call("POST", "/key/unblock", #"{"key": "\#(hash.hex)"}"#)
        #expect(service.holder.snapshot.keys[hash]?.blocked == false)
        _ = try await service.call("POST", "/key/update", #"{"key": "\#(rawKey)", "models": ["b", "c"]}"#)
        #expect(service.holder.snapshot.keys[hash]?.models == ["b", "c"])
        _ = try await service.call("POST", "/key/delete", #"{"keys": ["\#(rawKey)"]}"#)
        #expect(service.holder.snapshot.keys[hash] == nil)
    }

    @Test("reload picks up writes made by another process (the CLI)")
    func reloadPicksUpOfflineWrites() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)

        let offline = AdminOperations(storage: try DatabaseArgument.open(directory.databasePath, logger: quietLogger), cipher: nil, logger: quietLogger)
        var request = KeyGenerateRequest(key: nil)
        request.alias = "from-cli"
        let generated = try offline.generateKey(request)
        #expect(service.holder.snapshot.keys[generated.stored.hash] == nil)

        try service.reloadConfig()
        #expect(service.holder.snapshot.keys[generated.stored.hash]?.alias == "from-cli")
    }

    @Test("a running service applies writes another process made, from the change log")
    func followerPicksUpOfflineWrites() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
        let offline = AdminOperations(storage: try DatabaseArgument.open(directory.databasePath, logger: quietLogger), cipher: nil, logger: quietLogger)
        var request = KeyGenerateRequest(key: nil)
        request.alias = "from-cli"
        let generated = try offline.generateKey(request)
        #expect(try service.follower.catchUp() == 1)
        #expect(service.holder.snapshot.keys[generated.stored.hash]?.alias == "from-cli")
        _ = try offline.deleteKeys(references: [generated.key], aliases: [])
        #expect(try service.follower.catchUp() == 1)
        #expect(service.holder.snapshot.keys[generated.stored.hash] == nil)
    }

    @Test("with no config the catalog is empty but stored keys load")
    func noConfigStillLoadsKeys() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
        _ = try await service.call("POST", "/key/generate", "{}")
        #expect(service.holder.snapshot.catalog.deployments.isEmpty)
        #expect(service.holder.snapshot.keys.count == 1)
    }

    @Test("a config file that cannot be read is a clear error")
    func unreadableConfig() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let missing = directory.url.appendingPathComponent("nope.yaml").path
        #expect {
            _ = try PolicyService(configPath: missing, databasePath: directory.databasePath, environment: [:], logger: quietLogger)
        } throws: { error in
            "\(error)".contains("cannot read the config file \(missing)")
        }
    }
}
