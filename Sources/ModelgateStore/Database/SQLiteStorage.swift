import Foundation
import GRDB
import Logging
import ModelgateCore

/// The SQLite file behind modelgate's dynamic policy (one machine; the embedded default).
///
/// Opened through a GRDB `DatabasePool`, which puts the file in WAL mode: the service's reads
/// never wait for a writer, and the offline CLI may write while the service runs (the service's
/// `ChangeFollower` picks those writes up from the change log). The schema is created and
/// upgraded on open by `PolicySchema`'s versioned migrations.
public final class SQLiteStorage: PolicyStorage {
    /// Seconds a write waits for another process's write (the CLI beside a running service).
    static let busyTimeout: TimeInterval = 5

    let pool: DatabasePool
    public let path: String
    public var location: String { path }
    public let health = DatabaseHealth()
    let logger: Logger

    /// Opens the database at `path`, creating the file and applying pending migrations.
    public init(path: String, logger: Logger = Logger(label: "modelgate.store")) throws(PolicyStoreError) {
        self.path = path
        self.logger = logger
        if !FileManager.default.fileExists(atPath: path) {
            // Hashes and ciphertext only, but nobody else needs to read them either. Created
            // 0600 before SQLite opens it: SQLite gives the -wal and -shm files the main file's mode.
            createPrivateFile(path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "modelgate.policy"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw PolicyStoreError("cannot open the database \(path): \(Self.describe(error))")
        }
        do {
            try PolicySchema.migrator.migrate(pool)
        } catch {
            throw PolicyStoreError("cannot migrate the database \(path): \(Self.describe(error))")
        }
    }

    /// Names of the migrations applied to this file, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try PolicySchema.migrator.appliedMigrations(db) }
    }

    public func read<T>(_ body: (any StorageReader) throws -> T) throws -> T {
        try recording { try pool.read { db in try body(SQLiteTransaction(db: db, logger: logger)) } }
    }

    public func write<T>(_ body: (any StorageWriter) throws -> T) throws -> T {
        try recording { try pool.write { db in try body(SQLiteTransaction(db: db, logger: logger)) } }
    }

    public func changes(after version: Int64, limit: Int) throws -> ChangeLogSlice {
        try recording {
            try pool.read { db in
                let pruned = try Int64.fetchOne(db, sql: "SELECT pruned_through FROM policy_change_state") ?? 0
                let latest = try Int64.fetchOne(db, sql: "SELECT max(version) FROM policy_change") ?? pruned
                let rows = try Row.fetchAll(
                    db, sql: "SELECT version, kind, id FROM policy_change WHERE version > ? ORDER BY version LIMIT ?",
                    arguments: [version, limit])
                let entries = rows.compactMap { row -> ChangeLogEntry? in
                    guard let kind = RecordKind(rawValue: row["kind"]) else { return nil }
                    return ChangeLogEntry(version: row["version"], kind: kind, id: row["id"])
                }
                return ChangeLogSlice(prunedThrough: pruned, latest: max(latest, pruned), entries: entries)
            }
        }
    }

    public func close() {
        try? pool.close()
    }

    /// Every error other than the caller's is a fault of the database.
    private func recording<T>(_ body: () throws -> T) throws -> T {
        try health.recording(judge: { .fault(Self.describe($0)) }, body)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return String(describing: error)
    }
}

/// One SQLite transaction seen through the storage interface.
struct SQLiteTransaction: StorageWriter {
    let db: Database
    let logger: Logger

    func key(_ hash: KeyHash) throws -> StoredKey? { try StoredKey.fetchOne(db, key: hash.hex) }

    func keys(teamID: String?, userID: String?) throws -> [StoredKey] {
        var request = StoredKey.order(StoredKey.CodingKeys.createdAt, Column.rowID)
        if let teamID { request = request.filter(StoredKey.CodingKeys.teamID == teamID) }
        if let userID { request = request.filter(StoredKey.CodingKeys.userID == userID) }
        return try fetchEach(request)
    }

    func keys(inTeams teamIDs: [String]) throws -> [StoredKey] {
        try fetchEach(StoredKey.filter(teamIDs.contains(StoredKey.CodingKeys.teamID)).order(StoredKey.CodingKeys.createdAt, Column.rowID))
    }

    func keys(aliases: [String]) throws -> [StoredKey] {
        try fetchEach(StoredKey.filter(aliases.contains(StoredKey.CodingKeys.alias)))
    }

    func keyAliasTaken(_ alias: String, except: KeyHash?) throws -> Bool {
        var request = StoredKey.filter(StoredKey.CodingKeys.alias == alias)
        if let except { request = request.filter(StoredKey.CodingKeys.hash != except.hex) }
        return try request.fetchCount(db) > 0
    }

    func team(_ id: String) throws -> StoredTeam? { try StoredTeam.fetchOne(db, key: id) }
    func teams() throws -> [StoredTeam] { try fetchEach(StoredTeam.order(StoredTeam.CodingKeys.createdAt, Column.rowID)) }
    func user(_ id: String) throws -> StoredUser? { try StoredUser.fetchOne(db, key: id) }
    func users() throws -> [StoredUser] { try fetchEach(StoredUser.order(StoredUser.CodingKeys.createdAt, Column.rowID)) }
    func credential(_ name: String) throws -> StoredCredential? { try StoredCredential.fetchOne(db, key: name) }
    func credentials() throws -> [StoredCredential] { try fetchEach(StoredCredential.order(StoredCredential.CodingKeys.name)) }

    func insert(_ key: StoredKey) throws { try key.insert(db); try record(.key, key.hash.hex) }
    func update(_ key: StoredKey) throws { try key.update(db); try record(.key, key.hash.hex) }
    func deleteKeys(_ hashes: [KeyHash]) throws {
        _ = try StoredKey.deleteAll(db, keys: hashes.map(\.hex))
        for hash in hashes { try record(.key, hash.hex) }
    }
    func insert(_ team: StoredTeam) throws { try team.insert(db); try record(.team, team.id) }
    func update(_ team: StoredTeam) throws { try team.update(db); try record(.team, team.id) }
    func deleteTeams(_ ids: [String]) throws {
        _ = try StoredTeam.deleteAll(db, keys: ids)
        for id in ids { try record(.team, id) }
    }
    func insert(_ user: StoredUser) throws { try user.insert(db); try record(.user, user.id) }
    func update(_ user: StoredUser) throws { try user.update(db); try record(.user, user.id) }
    func insert(_ credential: StoredCredential) throws { try credential.insert(db); try record(.credential, credential.name) }
    func update(_ credential: StoredCredential) throws { try credential.update(db); try record(.credential, credential.name) }
    func deleteCredential(_ name: String) throws -> Bool {
        let deleted = try StoredCredential.deleteOne(db, key: name)
        if deleted { try record(.credential, name) }
        return deleted
    }

    /// Appends to the change log, pruning it now and then.
    private func record(_ kind: RecordKind, _ id: String) throws {
        try db.execute(
            sql: "INSERT INTO policy_change (kind, id, changed_at) VALUES (?, ?, ?)",
            arguments: [kind.rawValue, id, Date()])
        let version = db.lastInsertedRowID
        if version % ChangeLog.pruneEvery == 0 {
            let cutoff = Date().addingTimeInterval(-ChangeLog.retention)
            if let through = try Int64.fetchOne(db, sql: "SELECT max(version) FROM policy_change WHERE changed_at < ?", arguments: [cutoff]) {
                try db.execute(sql: "DELETE FROM policy_change WHERE version <= ?", arguments: [through])
                try db.execute(sql: "UPDATE policy_change_state SET pruned_through = max(pruned_through, ?)", arguments: [through])
            }
        }
    }

    /// Decodes row by row: a damaged row is left out with an error log line (so a damaged key
    /// denies rather than takes the whole store down).
    private func fetchEach<Record: FetchableRecord & TableRecord>(_ request: QueryInterfaceRequest<Record>) throws -> [Record] {
        var records: [Record] = []
        let rows = try Row.fetchCursor(db, request.asRequest(of: Row.self))
        var position = 0
        while let row = try rows.next() {
            position += 1
            do {
                records.append(try Record(row: row))
            } catch {
                logger.error("skipping a damaged database row", metadata: [
                    "table": "\(Record.databaseTableName)", "row": "\(position)", "error": "\(error)",
                ])
            }
        }
        return records
    }
}

/// The database could not be opened or migrated.
public struct PolicyStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Creates an empty file readable and writable by its owner only (when it does not exist).
private func createPrivateFile(_ path: String) {
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
}
