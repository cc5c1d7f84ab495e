import Foundation
import ModelgateCore

/// Where modelgate keeps its dynamic policy (keys, teams, users, encrypted credentials): a
/// SQLite file (`SQLiteStorage`) or a PostgreSQL database shared by many replicas
/// (`PostgresStorage`). The admin operations are written once, against this interface.
///
/// Every write records, in the same transaction, one change per record it touched (a version
/// that only grows, the record's kind and id) in the `policy_change` log; a `ChangeFollower`
/// reads that log to bring a running policy up to date, whichever process made the write.
/// Calls block the calling thread; the admin API runs them off the cooperative pool.
public protocol PolicyStorage: AnyObject, Sendable {
    /// The file path, or the URL with its password printed as `***`.
    var location: String { get }

    /// Runs `body` in a read transaction.
    func read<T>(_ body: (any StorageReader) throws -> T) throws -> T

    /// Runs `body` in a write transaction (serialised with every other writer, also those of
    /// other processes and replicas) and commits; returns once committed.
    func write<T>(_ body: (any StorageWriter) throws -> T) throws -> T

    /// The log's state and the entries after `version` (at most `limit`), in version order.
    func changes(after version: Int64, limit: Int) throws -> ChangeLogSlice

    /// Whether the database answered the last call (readiness, metrics).
    var health: DatabaseHealth { get }

    /// Keeps a way of hearing about other writers' commits open, calling `wake` on each
    /// (PostgreSQL: LISTEN on a dedicated connection, reconnected when lost). The follower calls
    /// it on every poll; a backend without notifications does nothing.
    func keepWatching(wake: @escaping @Sendable () -> Void)

    /// Stops background work and closes connections.
    func close()
}

extension PolicyStorage {
    public func keepWatching(wake: @escaping @Sendable () -> Void) {}
}

/// What a failed storage call says about the database.
enum StorageOutcome {
    /// The database answered (a constraint, a server error): it is healthy.
    case answered
    /// The database could not be used; the message is recorded as the fault.
    case fault(String)
    /// Recorded where it was found (the PostgreSQL link records lost connections).
    case recordedElsewhere
}

extension DatabaseHealth {
    /// Runs one storage call and records whether the database answered: a result, or an
    /// `AdminError` (the caller's mistake), is an answer; any other error is judged by `judge`.
    func recording<T>(judge: (any Error) -> StorageOutcome, _ body: () throws -> T) throws -> T {
        do {
            let result = try body()
            recordSuccess()
            return result
        } catch let error as AdminError {
            recordSuccess()
            throw error
        } catch {
            switch judge(error) {
            case .answered: recordSuccess()
            case .fault(let message): recordFault(message, at: Date())
            case .recordedElsewhere: break
            }
            throw error
        }
    }
}

/// Reads records.
public protocol StorageReader {
    func key(_ hash: KeyHash) throws -> StoredKey?
    /// Oldest first; only a team's or a user's when given.
    func keys(teamID: String?, userID: String?) throws -> [StoredKey]
    func keys(inTeams teamIDs: [String]) throws -> [StoredKey]
    func keys(aliases: [String]) throws -> [StoredKey]
    /// Whether another key (not `except`) has this alias.
    func keyAliasTaken(_ alias: String, except: KeyHash?) throws -> Bool
    func team(_ id: String) throws -> StoredTeam?
    func teams() throws -> [StoredTeam]
    func user(_ id: String) throws -> StoredUser?
    func users() throws -> [StoredUser]
    func credential(_ name: String) throws -> StoredCredential?
    func credentials() throws -> [StoredCredential]
}

/// Writes records; each call records its change in the log.
public protocol StorageWriter: StorageReader {
    func insert(_ key: StoredKey) throws
    func update(_ key: StoredKey) throws
    func deleteKeys(_ hashes: [KeyHash]) throws
    func insert(_ team: StoredTeam) throws
    func update(_ team: StoredTeam) throws
    func deleteTeams(_ ids: [String]) throws
    func insert(_ user: StoredUser) throws
    func update(_ user: StoredUser) throws
    func insert(_ credential: StoredCredential) throws
    func update(_ credential: StoredCredential) throws
    /// True when it existed.
    func deleteCredential(_ name: String) throws -> Bool
}

/// One entry of the change log: record `id` of `kind` was written (created, changed or deleted)
/// at `version`.
public struct ChangeLogEntry: Sendable, Equatable {
    public var version: Int64
    public var kind: RecordKind
    public var id: String
}

/// What a follower needs from the log.
public struct ChangeLogSlice: Sendable {
    /// Entries at or below this version have been pruned; a follower behind it reloads.
    public var prunedThrough: Int64
    /// The highest version in the log (0 when empty).
    public var latest: Int64
    /// Entries after the asked version, oldest first.
    public var entries: [ChangeLogEntry]
}

/// Rules shared by both backends' change logs.
enum ChangeLog {
    /// Entries older than this are pruned (a replica away longer reloads everything).
    static let retention: TimeInterval = 24 * 3600
    /// Pruning runs on writes whose version is a multiple of this.
    static let pruneEvery: Int64 = 256
    /// The PostgreSQL channel a commit notifies.
    static let channel = "modelgate_policy_change"
}
