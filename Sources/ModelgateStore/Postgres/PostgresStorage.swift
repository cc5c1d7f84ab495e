import Foundation
import Logging
import ModelgateCore
import ModelgatePostgres
import PostgresNIO
import Synchronization

/// modelgate's policy in a PostgreSQL database shared by many replicas.
///
/// Same tables and meaning as SQLite (keys as SHA-256 hashes, credentials AES-GCM sealed by
/// the same `CredentialCipher`); JSON columns are `jsonb`. Writers take one transaction-scoped
/// advisory lock, so writes (and so change versions) commit in order across replicas; each
/// commit notifies `ChangeLog.channel`.
public final class PostgresStorage: PolicyStorage {
    public let url: DatabaseURL
    public var location: String { url.redacted }
    public let health = DatabaseHealth()
    let link: PostgresLink
    let logger: Logger

    /// `pg_advisory_xact_lock` key every writer takes ("modelgate" in ASCII, truncated).
    static let writeLock: Int64 = 0x6d6f_6465_6c67_6174
    /// `pg_advisory_lock` key the migrations run under.
    static let migrationLock: Int64 = 0x6d6f_6465_6c67_6d69

    /// Connects and migrates. A connectivity failure is retried until `waitUpTo` seconds have
    /// passed (0: one attempt); the error names the host and the reason, never the password.
    public init(url: DatabaseURL, logger: Logger, waitUpTo: Double = 0) throws(PolicyStoreError) {
        self.url = url
        self.logger = logger
        do {
            link = try PostgresLink(url: url, name: "main", health: health, logger: logger)
        } catch {
            throw PolicyStoreError("cannot use the database \(url.redacted): \(error)")
        }
        let deadline = Date().addingTimeInterval(waitUpTo)
        var announced = false
        while true {
            do {
                try PostgresSchema.migrate(link, logger: logger)
                health.recordSuccess()
                return
            } catch let error as PolicyStoreError {
                throw error
            } catch {
                let failure = DatabaseFailure(error, url: url)
                guard failure.isConnectivity, Date() < deadline else {
                    throw PolicyStoreError("cannot use the database \(failure.endpoint): \(failure.reason)")
                }
                if !announced {
                    logger.warning("database unreachable at start; retrying", metadata: [
                        "database": "\(url.redacted)", "error": "\(failure.reason)", "for_seconds": "\(Int(waitUpTo))",
                    ])
                    announced = true
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    public func read<T>(_ body: (any StorageReader) throws -> T) throws -> T {
        try transaction(write: false, body)
    }

    public func write<T>(_ body: (any StorageWriter) throws -> T) throws -> T {
        try transaction(write: true, body)
    }

    public func changes(after version: Int64, limit: Int) throws -> ChangeLogSlice {
        try recording {
            link.exclusive.lock()
            defer { link.exclusive.unlock() }
            let state = try link.query(
                "SELECT (SELECT pruned_through FROM policy_change_state), (SELECT coalesce(max(version), 0) FROM policy_change)",
                timeout: 1.5)
            guard let row = state.first else { throw PolicyStoreError("the change log has no state row") }
            let (pruned, latest) = try row.decode((Int64, Int64).self)
            var entries: [ChangeLogEntry] = []
            if limit > 0 && latest > version {
                let rows = try link.query(
                    "SELECT version, kind, id FROM policy_change WHERE version > \(version) ORDER BY version LIMIT \(limit)",
                    timeout: 5)
                for row in rows {
                    let (entryVersion, kind, id) = try row.decode((Int64, String, String).self)
                    if let kind = RecordKind(rawValue: kind) { entries.append(ChangeLogEntry(version: entryVersion, kind: kind, id: id)) }
                }
            }
            return ChangeLogSlice(prunedThrough: pruned, latest: max(latest, pruned), entries: entries)
        }
    }

    public func close() {
        link.drop()
        listener.withLock { $0?.drop() }
    }

    /// The LISTEN connection, made on first use.
    private let listener = Mutex<PostgresLink?>(nil)

    public func keepWatching(wake: @escaping @Sendable () -> Void) {
        let link = listener.withLock { listener -> PostgresLink? in
            if listener == nil {
                listener = try? PostgresLink(url: url, name: "listen", health: DatabaseHealth(), logger: logger) { connection in
                    connection.addListener(channel: ChangeLog.channel) { _, _ in wake() }
                    // Commits made while this connection was being set up are found by the next poll.
                    wake()
                }
            }
            return listener
        }
        _ = try? link?.connection()
    }

    private func transaction<T>(write: Bool, _ body: (PostgresTransaction) throws -> T) throws -> T {
        try recording {
            link.exclusive.lock()
            defer { link.exclusive.unlock() }
            let connection = try link.connection()
            _ = try link.run(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", on: connection)
            do {
                let transaction = PostgresTransaction(link: link, connection: connection, logger: logger)
                if write { _ = try transaction.run("SELECT pg_advisory_xact_lock(\(Self.writeLock))", timeout: 15) }
                let result = try body(transaction)
                if write, let version = transaction.lastVersion {
                    _ = try transaction.run("SELECT pg_notify(\(ChangeLog.channel), \(String(version)))")
                }
                _ = try transaction.run("COMMIT")
                return result
            } catch {
                _ = try? link.run("ROLLBACK", on: connection, timeout: 2)
                throw error
            }
        }
    }

    /// A server's error is an answer; a lost connection is recorded by the link.
    private func recording<T>(_ body: () throws -> T) throws -> T {
        try health.recording(judge: { error in
            if let failure = error as? DatabaseFailure, !failure.isConnectivity { return .answered }
            return .recordedElsewhere
        }, body)
    }
}

/// One PostgreSQL transaction seen through the storage interface. Rows travel as JSON
/// (`row_to_json`, `json_populate_record`) through each record's one Codable mapping.
final class PostgresTransaction: StorageWriter {
    let link: PostgresLink
    let connection: PostgresConnection
    let logger: Logger
    /// The version of the last change this transaction recorded.
    private(set) var lastVersion: Int64?

    init(link: PostgresLink, connection: PostgresConnection, logger: Logger) {
        self.link = link
        self.connection = connection
        self.logger = logger
    }

    func run(_ query: PostgresQuery, timeout: Double = 10) throws(DatabaseFailure) -> [PostgresRow] {
        try link.run(query, on: connection, timeout: timeout)
    }

    func key(_ hash: KeyHash) throws -> StoredKey? {
        try select(StoredKey.self, where: "token = \(hash.hex)").first
    }

    func keys(teamID: String?, userID: String?) throws -> [StoredKey] {
        switch (teamID, userID) {
        case (let team?, let user?): return try select(StoredKey.self, where: "team_id = \(team) AND user_id = \(user)", order: "created_at, token")
        case (let team?, nil): return try select(StoredKey.self, where: "team_id = \(team)", order: "created_at, token")
        case (nil, let user?): return try select(StoredKey.self, where: "user_id = \(user)", order: "created_at, token")
        case (nil, nil): return try select(StoredKey.self, where: "true", order: "created_at, token")
        }
    }

    func keys(inTeams teamIDs: [String]) throws -> [StoredKey] {
        try select(StoredKey.self, where: "team_id = ANY(\(teamIDs))", order: "created_at, token")
    }

    func keys(aliases: [String]) throws -> [StoredKey] {
        try select(StoredKey.self, where: "key_alias = ANY(\(aliases))")
    }

    func keyAliasTaken(_ alias: String, except: KeyHash?) throws -> Bool {
        let rows = try run("SELECT 1 FROM virtual_key WHERE key_alias = \(alias) AND token <> \(except?.hex ?? "") LIMIT 1")
        return !rows.isEmpty
    }

    func team(_ id: String) throws -> StoredTeam? { try select(StoredTeam.self, where: "team_id = \(id)").first }
    func teams() throws -> [StoredTeam] { try select(StoredTeam.self, where: "true", order: "created_at, team_id") }
    func user(_ id: String) throws -> StoredUser? { try select(StoredUser.self, where: "user_id = \(id)").first }
    func users() throws -> [StoredUser] { try select(StoredUser.self, where: "true", order: "created_at, user_id") }
    func credential(_ name: String) throws -> StoredCredential? {
        try select(StoredCredential.self, where: "credential_name = \(name)").first
    }
    func credentials() throws -> [StoredCredential] { try select(StoredCredential.self, where: "true", order: "credential_name") }

    func insert(_ key: StoredKey) throws { try insert(key, kind: .key, id: key.hash.hex) }
    func update(_ key: StoredKey) throws { try update(key, kind: .key, id: key.hash.hex) }
    func deleteKeys(_ hashes: [KeyHash]) throws {
        let ids = hashes.map(\.hex)
        _ = try run("DELETE FROM virtual_key WHERE token = ANY(\(ids))")
        for id in ids { try logChange(.key, id) }
    }
    func insert(_ team: StoredTeam) throws { try insert(team, kind: .team, id: team.id) }
    func update(_ team: StoredTeam) throws { try update(team, kind: .team, id: team.id) }
    func deleteTeams(_ ids: [String]) throws {
        _ = try run("DELETE FROM team WHERE team_id = ANY(\(ids))")
        for id in ids { try logChange(.team, id) }
    }
    func insert(_ user: StoredUser) throws { try insert(user, kind: .user, id: user.id) }
    func update(_ user: StoredUser) throws { try update(user, kind: .user, id: user.id) }
    func insert(_ credential: StoredCredential) throws { try insert(credential, kind: .credential, id: credential.name) }
    func update(_ credential: StoredCredential) throws { try update(credential, kind: .credential, id: credential.name) }
    func deleteCredential(_ name: String) throws -> Bool {
        let rows = try run("DELETE FROM credential WHERE credential_name = \(name) RETURNING 1")
        if !rows.isEmpty { try logChange(.credential, name) }
        return !rows.isEmpty
    }

    // MARK: - Mapping

    private func select<Record: Decodable>(_ type: Record.Type, where condition: PostgresQuery, order: String? = nil) throws -> [Record] {
        let table = Self.table(of: type)
        var sql = "SELECT row_to_json(t)::text FROM \(table) t WHERE " + condition.sql
        if let order { sql += " ORDER BY \(order)" }
        let rows = try run(PostgresQuery(unsafeSQL: sql, binds: condition.binds))
        var records: [Record] = []
        for (position, row) in rows.enumerated() {
            do {
                let text = try row.decode(String.self)
                records.append(try PostgresJSON.decoder.decode(Record.self, from: Data(text.utf8)))
            } catch {
                logger.error("skipping a damaged database row", metadata: [
                    "table": "\(table)", "row": "\(position + 1)", "error": "\(error)",
                ])
            }
        }
        return records
    }

    private func insert<Record: Encodable>(_ record: Record, kind: RecordKind, id: String) throws {
        let json = try PostgresJSON.text(record)
        let query = PostgresQuery(unsafeSQL: "INSERT INTO \(kind.table) SELECT * FROM json_populate_record(NULL::\(kind.table), $1::json)", binds: Self.binds(json))
        _ = try run(query)
        try logChange(kind, id)
    }

    private func update<Record: Encodable & ColumnNamed>(_ record: Record, kind: RecordKind, id: String) throws {
        let json = try PostgresJSON.text(record)
        let columns = Record.columnNames.joined(separator: ", ")
        let values = Record.columnNames.map { "r.\($0)" }.joined(separator: ", ")
        let sql = "UPDATE \(kind.table) SET (\(columns)) = (\(values)) FROM json_populate_record(NULL::\(kind.table), $1::json) r WHERE \(kind.table).\(kind.idColumn) = $2"
        var binds = Self.binds(json)
        binds.append(id)
        _ = try run(PostgresQuery(unsafeSQL: sql, binds: binds))
        try logChange(kind, id)
    }

    private func logChange(_ kind: RecordKind, _ id: String) throws {
        let rows = try run("INSERT INTO policy_change (kind, id) VALUES (\(kind.rawValue), \(id)) RETURNING version")
        guard let version = try rows.first?.decode(Int64.self) else { return }
        lastVersion = version
        if version % ChangeLog.pruneEvery == 0 {
            let cutoff = Int64(ChangeLog.retention)
            _ = try run("""
                WITH gone AS (DELETE FROM policy_change WHERE changed_at < now() - make_interval(secs => \(cutoff)) RETURNING version)
                UPDATE policy_change_state SET pruned_through = greatest(pruned_through, coalesce((SELECT max(version) FROM gone), 0))
                """)
        }
    }

    private static func binds(_ json: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(json)
        return binds
    }

    private static func table<Record>(of type: Record.Type) -> String {
        switch type {
        case is StoredKey.Type: RecordKind.key.table
        case is StoredTeam.Type: RecordKind.team.table
        case is StoredUser.Type: RecordKind.user.table
        default: RecordKind.credential.table
        }
    }
}

/// A record whose columns are its coding keys.
protocol ColumnNamed { static var columnNames: [String] { get } }
extension StoredKey: ColumnNamed { static var columnNames: [String] { CodingKeys.allCases.map(\.rawValue) } }
extension StoredTeam: ColumnNamed { static var columnNames: [String] { CodingKeys.allCases.map(\.rawValue) } }
extension StoredUser: ColumnNamed { static var columnNames: [String] { CodingKeys.allCases.map(\.rawValue) } }
extension StoredCredential: ColumnNamed { static var columnNames: [String] { CodingKeys.allCases.map(\.rawValue) } }

/// Records as PostgreSQL's JSON functions read and write them: `timestamptz` as RFC 3339 with
/// fractions, `bytea` as `\x` and hex digits.
enum PostgresJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        encoder.dataEncodingStrategy = .custom { data, encoder in
            var container = encoder.singleValueContainer()
            try container.encode("\\x" + data.map { String(format: "%02x", $0) }.joined())
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DamagedRow(column: "a timestamp")
        }
        decoder.dataDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard text.hasPrefix("\\x"), text.count % 2 == 0 else { throw DamagedRow(column: "a bytea value") }
            var bytes: [UInt8] = []
            var index = text.index(text.startIndex, offsetBy: 2)
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2)
                guard let byte = UInt8(text[index..<next], radix: 16) else { throw DamagedRow(column: "a bytea value") }
                bytes.append(byte)
                index = next
            }
            return Data(bytes)
        }
        return decoder
    }()

    static func text<Record: Encodable>(_ record: Record) throws -> String {
        String(decoding: try encoder.encode(record), as: UTF8.self)
    }
}
