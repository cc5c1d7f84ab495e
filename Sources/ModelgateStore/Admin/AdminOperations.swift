import Foundation
import GRDB
import Logging
import ModelgateCore

/// The admin operations of CONTRACT §5 against the database: one implementation behind both
/// the admin API and the `modelgate key|team|user|credential` commands.
///
/// Each write runs in one SQLite transaction, then calls `didChange` (the running service
/// rebuilds and swaps its snapshot there) before returning, so the caller's answer is sent only
/// once the change decides checks.
public final class AdminOperations: Sendable {
    let store: PolicyStore
    let cipher: CredentialCipher?
    let logger: Logger
    /// Team ids defined outside the database (the config file), valid on keys too.
    let staticTeamIDs: @Sendable () -> Set<String>
    let didChange: @Sendable () throws -> Void
    let now: @Sendable () -> Date
    /// The last database fault seen by an admin read or write, cleared by the next success;
    /// readiness reports it.
    public let databaseHealth = DatabaseHealth()

    /// - Parameters:
    ///   - cipher: from `MODELGATE_SECRET_KEY`; without it credentials cannot be written.
    ///   - staticTeamIDs: teams a key may name besides the database's.
    ///   - didChange: runs after every committed write.
    public init(
        store: PolicyStore, cipher: CredentialCipher?, logger: Logger,
        staticTeamIDs: @escaping @Sendable () -> Set<String> = { [] },
        didChange: @escaping @Sendable () throws -> Void = {},
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.cipher = cipher
        self.logger = logger
        self.staticTeamIDs = staticTeamIDs
        self.didChange = didChange
        self.now = now
    }

    /// Runs `body` in a write transaction, then `didChange`. Errors that are not the caller's
    /// become a 500 whose message names the action; the cause goes to the log.
    func write<T>(_ action: String, _ body: (Database) throws -> T) throws(AdminError) -> T {
        let result: T
        do {
            result = try store.write(body)
            databaseHealth.recordSuccess()
        } catch let error as AdminError {
            throw error
        } catch {
            logger.error("admin write failed", metadata: ["action": "\(action)", "error": "\(PolicyStore.describe(error))"])
            databaseHealth.recordFault(PolicyStore.describe(error), at: now())
            throw .storage(action)
        }
        do {
            try didChange()
        } catch {
            logger.error("admin write committed but the policy was not rebuilt", metadata: [
                "action": "\(action)", "error": "\(error)",
            ])
            throw AdminError(status: 500, message: "the change to \(action) was saved but is not yet in force; see the service log")
        }
        return result
    }

    func read<T>(_ action: String, _ body: (Database) throws -> T) throws(AdminError) -> T {
        do {
            let result = try store.read(body)
            databaseHealth.recordSuccess()
            return result
        } catch let error as AdminError {
            throw error
        } catch {
            logger.error("admin read failed", metadata: ["action": "\(action)", "error": "\(PolicyStore.describe(error))"])
            databaseHealth.recordFault(PolicyStore.describe(error), at: now())
            throw .storage(action)
        }
    }

    /// A team a key may belong to: stored, or defined in the config file.
    func requireTeam(_ teamID: String, _ db: Database) throws {
        if staticTeamIDs().contains(teamID) { return }
        guard try StoredTeam.exists(db, key: teamID) else {
            throw AdminError.badRequest("team_id '\(teamID)' does not exist; create the team first", param: "team_id")
        }
    }

    static func requireNonEmpty(_ value: String, _ field: String) throws(AdminError) {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .badRequest("\(field) must not be empty", param: field)
        }
    }
}
