import Foundation
import Logging
import ModelgatePostgres
import PostgresNIO
import ModelgateTestSupport
import Testing
@testable import ModelgateStore

/// PostgreSQL-only behaviour of the store, against a real server. (The admin suite itself runs
/// on PostgreSQL with `MODELGATE_TEST_BACKEND=postgres`.)
@Suite("PostgreSQL storage", .enabled(if: PostgresCluster.isAvailable, Comment(rawValue: PostgresCluster.skipMessage)))
struct PostgresStorageTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("three replicas starting at once on an empty database migrate it once")
    func migratesOnce() async throws {
        let cluster = try #require(PostgresCluster.shared)
        let url = try cluster.createDatabase()
        let logger = self.logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { _ = try DatabaseArgument.open(url, logger: logger) }
            }
            try await group.waitForAll()
        }
        let storage = try #require(try DatabaseArgument.open(url, logger: logger) as? PostgresStorage)
        let rows = try storage.link.query("SELECT count(*)::bigint FROM modelgate_migration")
        #expect(try rows.first?.decode(Int64.self) == Int64(PostgresSchema.migrations.count))
        storage.close()
    }

    @Test("records round-trip through the one mapping; every write logs a change")
    func roundTrip() throws {
        let cluster = try #require(PostgresCluster.shared)
        let storage = try DatabaseArgument.open(try cluster.createDatabase(), logger: logger)
        defer { storage.close() }
        let cipher = try #require(CredentialCipher(secret: "a-secret-for-tests"))
        let operations = AdminOperations(storage: storage, cipher: cipher, logger: logger)
        _ = try operations.newTeam({ var r = TeamNewRequest(teamID: nil); r.teamID = "t1"; r.models = ["gpt-4o"]; r.tags = ["eu"]; return r }())
        var request = KeyGenerateRequest(key: nil)
        request.teamID = "t1"
        request.alias = "a"
        request.expiry = .at(Date(timeIntervalSince1970: 1_900_000_000.25))
        request.metadata = ["n": .int(3), "nested": .object(["x": .array([.bool(true), .null])])]
        let generated = try operations.generateKey(request)
        let read = try operations.keyInfo(generated.key)
        #expect(read.hash == generated.stored.hash)
        #expect(read.teamID == "t1" && read.alias == "a" && read.metadata == request.metadata)
        #expect(abs((read.expires?.timeIntervalSince1970 ?? 0) - 1_900_000_000.25) < 0.001)
        _ = try operations.addCredential(CredentialNewRequest(name: "c/1", values: ["api_key": "sk-provider-value"], info: ["custom_llm_provider": .string("openai")]))
        let stored = try #require(try storage.read { try $0.credential("c/1") })
        #expect(try stored.values(with: cipher) == ["api_key": "sk-provider-value"])
        #expect(stored.sealedValues.range(of: Data("sk-provider-value".utf8)) == nil)
        var update = KeyUpdateRequest(key: generated.key)
        update.expiry = .never
        #expect(try operations.updateKey(update).expires == nil)
        let slice = try storage.changes(after: 0, limit: 100)
        #expect(slice.entries.map(\.kind) == [.team, .key, .credential, .key])
        #expect(slice.latest == slice.entries.last?.version)
    }

    @Test("an unreachable database is retried, then named by host and reason, never the password")
    func unreachableAtStart() throws {
        let url = "postgres://modelgate:hunter2-planted@127.0.0.1:1/none?sslmode=disable"
        let started = Date()
        do {
            _ = try DatabaseArgument.open(url, logger: logger, waitUpTo: 1.5)
            Issue.record("opened a database that is not there")
        } catch {
            let message = "\(error)"
            #expect(message.contains("127.0.0.1:1"))
            #expect(message.contains("connection refused"))
            #expect(!message.contains("hunter2"))
        }
        #expect(Date().timeIntervalSince(started) >= 1.5)
    }

    @Test("a wrong password is named as such, without the password")
    func wrongPassword() throws {
        let cluster = try #require(PostgresCluster.shared)
        let url = cluster.url(database: "postgres", password: "not-the-password-xyz")
        #expect {
            _ = try DatabaseArgument.open(url, logger: logger)
        } throws: { error in
            let message = "\(error)"
            return message.contains("28P01") && !message.contains("not-the-password-xyz") && !message.contains(cluster.password)
        }
    }
}
