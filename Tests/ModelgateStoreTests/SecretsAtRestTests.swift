import Foundation
import GRDB
import Logging
import ModelgateCore
import Testing
@testable import ModelgateStore

@Suite("Secrets at rest")
struct SecretsAtRestTests {
    /// Fills a database through the admin API with keys and credentials whose raw values are
    /// returned, so the file can be searched for them.
    func populate(_ service: PolicyService) async throws -> [String] {
        var secrets: [String] = []
        for body in [#"{"key_alias": "a"}"#, #"{"key": "sk-admin-chosen-key-value-42"}"#] {
            let answer = try await service.call("POST", "/key/generate", body)
            secrets.append(try #require(answer["key"]?.stringValue))
        }
        let user = try await service.call("POST", "/user/new", #"{"user_id": "u-1"}"#)
        secrets.append(try #require(user["key"]?.stringValue))
        let credentials = ["AKIA-bedrock-credential-value-0001", "AIza-gemini-credential-value-0002", "extra-region-secret-0003"]
        _ = try await service.call("POST", "/credentials", #"{"credential_name": "bedrock", "credential_values": {"api_key": "\#(credentials[0])", "aws_secret": "\#(credentials[2])"}, "credential_info": {"custom_llm_provider": "bedrock"}}"#)
        _ = try await service.call("POST", "/credentials", #"{"credential_name": "gemini", "credential_values": {"api_key": "placeholder"}}"#)
        // A rotated value: neither the old nor the new one may be readable.
        _ = try await service.call("PATCH", "/credentials/gemini", #"{"credential_values": {"api_key": "\#(credentials[1])"}}"#)
        secrets += credentials + ["placeholder"]
        // Nothing may be missing from the policy, or the search below proves nothing.
        #expect(service.holder.snapshot.keys.count == 3)
        #expect(service.holder.snapshot.credentials["bedrock"]?.apiKey?.reveal == credentials[0])
        #expect(service.holder.snapshot.credentials["gemini"]?.apiKey?.reveal == credentials[1])
        return secrets
    }

    @Test("sqlite3 .dump shows neither a virtual key nor a credential value", .enabled(if: TestBackend.sqlite))
    func sqliteDumpHoldsNoSecret() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
        let secrets = try await populate(service)

        let dump = try Self.sqliteDump(directory.databasePath)
        #expect(dump.contains("CREATE TABLE"))
        #expect(dump.contains("INSERT INTO virtual_key"))
        #expect(dump.contains(KeyHash(hashing: secrets[0]).hex), "the dump must hold the key's hash")
        for secret in secrets {
            #expect(!dump.contains(secret), "the dump holds a secret")
            // Not even most of one (the stored key_name keeps only the last four characters).
            #expect(!dump.contains(String(secret.dropLast(4))), "the dump holds most of a secret")
        }
    }

    @Test("no table column and no byte of the database files holds a secret", .enabled(if: TestBackend.sqlite))
    func rawFilesHoldNoSecret() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
        let secrets = try await populate(service)

        // Every column of every table, read through SQLite.
        let values: [String] = try await service.sqlite.pool.read { db in
            var values: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                    for (_, value) in row {
                        switch value.storage {
                        case .string(let text): values.append(text)
                        case .blob(let data): values.append(String(decoding: data, as: UTF8.self))
                        default: break
                        }
                    }
                }
            }
            return values
        }
        #expect(values.count > 20)
        for secret in secrets {
            #expect(!values.contains { $0.contains(secret) })
        }

        // And the bytes of the file, its WAL and shared memory, whatever SQLite left in them.
        for suffix in ["", "-wal", "-shm"] {
            let path = directory.databasePath + suffix
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for secret in secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret")
            }
        }
    }

    @Test("only the key's SHA-256 is stored, as the primary key", .enabled(if: TestBackend.sqlite))
    func onlyTheHashIsStored() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
        let answer = try await service.call("POST", "/key/generate", #"{"key_alias": "a"}"#)
        let rawKey = try #require(answer["key"]?.stringValue)
        let row = try #require(try await service.sqlite.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM virtual_key") })
        let token: String = row["token"]
        #expect(token == KeyHash(hashing: rawKey).hex)
        #expect(token.count == 64)
        #expect((row["key_name"] as String?) == "sk-...\(rawKey.suffix(4))")
        // The schema itself refuses anything but a 64-character hash.
        #expect(throws: (any Error).self) {
            try service.sqlite.pool.write { (db: Database) in
                try db.execute(sql: "INSERT INTO virtual_key (token, key_name, created_at, updated_at) VALUES (?, 'x', 0, 0)", arguments: [rawKey])
            }
        }
    }

    @Test("admin logs never hold a key or a credential value")
    func logsHoldNoSecret() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let logs = CapturedLogs()
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: logs.logger())
        let secrets = try await populate(service)
        // Also the failure paths: a bad request naming a key, a wrong master key, an unavailable credential.
        _ = try await service.call("POST", "/key/update", #"{"key": "\#(secrets[0])", "team_id": "nope"}"#)
        _ = try await service.call("GET", "/key/info", authorization: "Bearer \(secrets[1])")
        let restarted = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(secret: false), logger: logs.logger())
        #expect(restarted.holder.snapshot.credentials.values.allSatisfy { $0.apiKey == nil && $0.unavailableReason != nil })

        #expect(logs.all.contains { $0.contains("admin: key generated") })
        #expect(logs.all.contains { $0.contains("stored credential unavailable") })
        for secret in secrets + [masterKey, secretKey] {
            #expect(!logs.text.contains(secret), "a log line holds a secret")
        }
    }

    /// `sqlite3 FILE .dump`, as an operator would run it.
    static func sqliteDump(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, ".dump"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("sqlite3 .dump exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite("Credential encryption")
struct CredentialCipherTests {
    let plaintext = Array(#"{"api_key":"value-123"}"#.utf8)

    @Test("sealing round-trips and the ciphertext hides the value")
    func roundTrip() throws {
        let cipher = try #require(CredentialCipher(secret: secretKey))
        let sealed = try cipher.seal(plaintext, credentialName: "c")
        #expect(sealed.first == 1)
        #expect(sealed.count == 1 + 12 + plaintext.count + 16)
        #expect(Data(sealed).range(of: Data("value-123".utf8)) == nil)
        #expect(try cipher.open(sealed, credentialName: "c") == plaintext)
        // A fresh nonce each time: the same value never seals the same twice.
        #expect(try cipher.seal(plaintext, credentialName: "c") != sealed)
    }

    @Test("another secret, another credential's name or a flipped bit does not decrypt")
    func tamperingFails() throws {
        let cipher = try #require(CredentialCipher(secret: secretKey))
        let sealed = try cipher.seal(plaintext, credentialName: "c")
        let other = try #require(CredentialCipher(secret: secretKey + "x"))
        #expect(throws: CredentialCipherError.self) { try other.open(sealed, credentialName: "c") }
        #expect(throws: CredentialCipherError.self) { try cipher.open(sealed, credentialName: "d") }
        var flipped = sealed
        flipped[20] ^= 1
        #expect(throws: CredentialCipherError.self) { try cipher.open(flipped, credentialName: "c") }
        var unknownVersion = sealed
        unknownVersion[0] = 2
        #expect(throws: CredentialCipherError.self) { try cipher.open(unknownVersion, credentialName: "c") }
    }

    @Test("an empty or missing secret gives no cipher")
    func noSecretNoCipher() {
        #expect(CredentialCipher(secret: "") == nil)
        #expect(CredentialCipher(environment: [:]) == nil)
        #expect(CredentialCipher(environment: ["MODELGATE_SECRET_KEY": ""]) == nil)
    }

    @Test("stored credentials load only with the secret they were stored under")
    func wrongSecretLeavesCredentialsUnavailable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
        _ = try await service.call("POST", "/credentials", #"{"credential_name": "c", "credential_values": {"api_key": "v"}}"#)
        #expect(service.holder.snapshot.credentials["c"]?.apiKey?.reveal == "v")

        var wrong = environment()
        wrong["MODELGATE_SECRET_KEY"] = "a different secret"
        let logs = CapturedLogs()
        let restarted = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: wrong, logger: logs.logger())
        #expect(restarted.holder.snapshot.credentials["c"]?.apiKey == nil)
        #expect(restarted.holder.snapshot.credentials["c"]?.unavailableReason?.contains("does not decrypt") == true)
        #expect(logs.all.contains { $0.contains("stored credential unavailable") && $0.contains("credential_name=c") && $0.contains("does not decrypt") })
        // The listing says so instead of guessing.
        #expect(try restarted.operations.listCredentials().first?.valueNames == nil)
        // And a PATCH cannot silently replace values it cannot read.
        let patch = try await restarted.call("PATCH", "/credentials/c", #"{"credential_values": {"api_key": "w"}}"#)
        #expect(patch.status == 400)
    }
}
