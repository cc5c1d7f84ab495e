import Foundation
import Logging
import ModelgateCore

/// The admin operations of CONTRACT §5 against the database, SQLite or PostgreSQL: one
/// implementation behind both the admin API and the `modelgate key|team|user|credential`
/// commands, written against `PolicyStorage`.
///
/// Each write runs in one transaction (which records its changes in the change log), then calls
/// `didCommit` (the running service catches its policy up from the log there) before returning,
/// so the caller's answer is sent only once the change decides checks. Writes are checked
/// against the database, never against this replica's policy.
public final class AdminOperations: Sendable {
    let storage: any PolicyStorage
    let cipher: CredentialCipher?
    let logger: Logger
    /// Team ids defined outside the database (the config file), valid on keys too.
    let staticTeamIDs: @Sendable () -> Set<String>
    let didCommit: @Sendable () throws -> Void
    let now: @Sendable () -> Date

    /// Whether the database answered the last call; readiness reports it.
    public var databaseHealth: DatabaseHealth { storage.health }

    /// - Parameters:
    ///   - cipher: from `MODELGATE_SECRET_KEY`; without it credentials cannot be written.
    ///   - staticTeamIDs: teams a key may name besides the database's.
    ///   - didCommit: runs after every committed write.
    public init(
        storage: any PolicyStorage, cipher: CredentialCipher?, logger: Logger,
        staticTeamIDs: @escaping @Sendable () -> Set<String> = { [] },
        didCommit: @escaping @Sendable () throws -> Void = {},
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.storage = storage
        self.cipher = cipher
        self.logger = logger
        self.staticTeamIDs = staticTeamIDs
        self.didCommit = didCommit
        self.now = now
    }

    /// Runs `body` in a write transaction, then `didCommit`. A database fault becomes a 503
    /// `database_unavailable` naming the action; the cause goes to the log.
    func write<T>(_ action: String, _ body: (any StorageWriter) throws -> T) throws(AdminError) -> T {
        let result: T
        do {
            result = try storage.write(body)
        } catch let error as AdminError {
            throw error
        } catch {
            logger.error("admin write failed", metadata: ["action": "\(action)", "error": "\(Self.describe(error))"])
            throw .storage(action)
        }
        do {
            try didCommit()
        } catch {
            logger.error("admin write committed but the policy was not updated", metadata: [
                "action": "\(action)", "error": "\(Self.describe(error))",
            ])
            throw AdminError(status: 500, message: "the change to \(action) was saved but is not yet in force; see the service log")
        }
        return result
    }

    func read<T>(_ action: String, _ body: (any StorageReader) throws -> T) throws(AdminError) -> T {
        do {
            return try storage.read(body)
        } catch let error as AdminError {
            throw error
        } catch {
            logger.error("admin read failed", metadata: ["action": "\(action)", "error": "\(Self.describe(error))"])
            throw .storage(action)
        }
    }

    static func describe(_ error: any Error) -> String {
        SQLiteStorage.describe(error)
    }

    /// A team a key may belong to: stored, or defined in the config file.
    func requireTeam(_ teamID: String, _ reader: any StorageReader) throws {
        if staticTeamIDs().contains(teamID) { return }
        guard try reader.team(teamID) != nil else {
            throw AdminError.badRequest("team_id '\(teamID)' does not exist; create the team first", field: TeamField.id)
        }
    }

    /// The record looked up, or a 404 naming `field`.
    static func found<Record>(_ record: Record?, _ message: @autoclosure () -> String, _ field: some CodingKey) throws(AdminError) -> Record {
        guard let record else { throw .notFound(message(), field: field) }
        return record
    }

    static func requireNonEmpty(_ value: String, _ field: some CodingKey) throws(AdminError) {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .badRequest("\(field.stringValue) must not be empty", field: field)
        }
    }
}

/// A stored record with the fields a key and a team share.
protocol PolicyRecord {
    var models: [String] { get set }
    var blocked: Bool { get set }
    var metadata: [String: JSONValue] { get set }
}

extension StoredKey: PolicyRecord {}
extension StoredTeam: PolicyRecord {}

extension PolicyFields {
    /// The metadata a new record stores.
    func newMetadata() throws(AdminError) -> [String: JSONValue] {
        try PolicyMetadata.compose(base: metadata ?? [:], tags: tags, modelConfig: modelConfig)
    }

    /// Writes the fields given into a stored record; top-level `tags` and `model_config` go
    /// into the given metadata, else into the stored one.
    func apply<Record: PolicyRecord>(to record: inout Record) throws(AdminError) {
        if let models { record.models = models }
        if let blocked { record.blocked = blocked }
        if metadata != nil || tags != nil || modelConfig != nil {
            record.metadata = try PolicyMetadata.compose(base: metadata ?? record.metadata, tags: tags, modelConfig: modelConfig)
        }
    }
}
