import Foundation
import GRDB

/// The SQLite file behind modelgate's dynamic policy: hashed virtual keys, teams, users and
/// encrypted credentials.
///
/// Opened through a GRDB `DatabasePool`, which puts the file in WAL mode: the service's reads
/// never wait for a writer, and the offline CLI may write while the service runs. The schema is
/// created and upgraded on open by `PolicySchema`'s versioned migrations.
public final class PolicyStore: Sendable {
    /// Seconds a write waits for another process's write (the CLI beside a running service).
    static let busyTimeout: TimeInterval = 5

    let pool: DatabasePool
    public let path: String

    /// Opens the database at `path`, creating the file and applying pending migrations.
    public init(path: String) throws(PolicyStoreError) {
        self.path = path
        let isNew = !FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "modelgate.policy"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw PolicyStoreError("cannot open the database \(path): \(Self.describe(error))")
        }
        if isNew {
            // Only hashes and ciphertext live here, but nobody else needs to read them either.
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
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

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return String(describing: error)
    }
}

/// The database could not be opened or migrated.
public struct PolicyStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
