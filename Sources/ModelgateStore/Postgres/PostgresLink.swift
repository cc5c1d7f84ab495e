import Foundation
import Logging
import ModelgatePostgres
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One PostgreSQL connection used from blocking code, reconnected on demand.
///
/// A call on a broken or missing connection connects first; after a failed connect, calls fail
/// at once (`unavailable`) until a backoff has passed (doubling, capped at `maximumBackoff`), so
/// a database that is away costs callers nothing and one that returns is used again within
/// seconds. Every wait has a deadline: a connection that stops answering is closed.
final class PostgresLink: Sendable {
    static let minimumBackoff: Double = 0.2
    static let maximumBackoff: Double = 2

    let url: DatabaseURL
    let name: String
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let driverLogger: Logger
    private let health: DatabaseHealth
    private let group: any EventLoopGroup

    private struct State {
        var connection: PostgresConnection?
        var nextAttempt: Date = .distantPast
        var backoff: Double = PostgresLink.minimumBackoff
        var lastFailure: DatabaseFailure?
        var wasLost = false
        var connectionID = 0
    }

    private let state = Mutex(State())
    /// Serialises users of the connection (a transaction owns it from BEGIN to COMMIT).
    let exclusive = NSLock()
    /// Called with each new connection (to LISTEN, say).
    private let onConnect: @Sendable (PostgresConnection) -> Void

    init(
        url: DatabaseURL, name: String, health: DatabaseHealth, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onConnect: @escaping @Sendable (PostgresConnection) -> Void = { _ in }
    ) throws(DatabaseConfigurationError) {
        self.url = url
        self.name = name
        var configuration = try url.connectionConfiguration()
        configuration.options.connectTimeout = .seconds(Int64(min(url.connectTimeoutSeconds ?? 5, 10)))
        self.configuration = configuration
        self.logger = logger
        var driverLogger = Logger(label: "modelgate.postgres")
        driverLogger.logLevel = .critical
        self.driverLogger = driverLogger
        self.health = health
        self.group = group
        self.onConnect = onConnect
    }

    /// The connection, connecting when there is none and the backoff allows.
    func connection() throws(DatabaseFailure) -> PostgresConnection {
        let now = Date()
        let (existing, attempt, id): (PostgresConnection?, Bool, Int) = state.withLock { state in
            if let connection = state.connection, !connection.isClosed { return (connection, false, 0) }
            state.connection = nil
            guard now >= state.nextAttempt else { return (nil, false, 0) }
            state.connectionID += 1
            return (nil, true, state.connectionID)
        }
        if let existing { return existing }
        guard attempt else {
            throw state.withLock { $0.lastFailure } ?? DatabaseFailure.unavailable(url)
        }
        do {
            let connection = try PostgresConnection.connect(
                on: group.next(), configuration: configuration, id: id, logger: driverLogger
            ).wait()
            do {
                _ = try connection.query("SET TIME ZONE 'UTC'", logger: driverLogger).wait()
            } catch {
                try? (connection.close() as EventLoopFuture<Void>).wait()
                throw error
            }
            let restored = state.withLock { state in
                state.connection = connection
                state.backoff = Self.minimumBackoff
                state.lastFailure = nil
                defer { state.wasLost = false }
                return state.wasLost
            }
            if restored {
                logger.notice("database connection restored", metadata: ["database": "\(url.redacted)", "connection": "\(name)"])
            }
            onConnect(connection)
            return connection
        } catch {
            let failure = DatabaseFailure(error, url: url)
            noteFailure(failure, lost: false)
            throw failure
        }
    }

    /// Runs one statement and collects its rows, with a deadline; connects when needed.
    func query(_ query: PostgresQuery, timeout: Double = 10) throws(DatabaseFailure) -> [PostgresRow] {
        try run(query, on: try connection(), timeout: timeout)
    }

    /// Runs one statement on `connection` (never another: a transaction stays on its own).
    func run(_ query: PostgresQuery, on connection: PostgresConnection, timeout: Double = 10) throws(DatabaseFailure) -> [PostgresRow] {
        let timer = connection.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            let _: EventLoopFuture<Void> = connection.close()
        }
        do {
            let result = try connection.query(query, logger: driverLogger).wait()
            timer.cancel()
            return result.rows
        } catch {
            timer.cancel()
            let failure = DatabaseFailure(error, url: url)
            if failure.isConnectivity || connection.isClosed {
                try? (connection.close() as EventLoopFuture<Void>).wait()
                noteFailure(failure, lost: true)
            }
            throw failure
        }
    }

    /// Closes the connection (it reconnects on next use).
    func drop() {
        let connection = state.withLock { state -> PostgresConnection? in
            defer { state.connection = nil }
            return state.connection
        }
        guard let connection else { return }
        let closed: EventLoopFuture<Void> = connection.close()
        // Waiting is only allowed off the event loops; there the close completes on its own.
        if MultiThreadedEventLoopGroup.currentEventLoop == nil { try? closed.wait() }
    }

    deinit { drop() }

    private func noteFailure(_ failure: DatabaseFailure, lost: Bool) {
        let (log, was) = state.withLock { state -> (Bool, Bool) in
            let had = state.connection != nil
            state.connection = nil
            state.lastFailure = failure
            state.nextAttempt = Date().addingTimeInterval(state.backoff)
            state.backoff = min(state.backoff * 2, Self.maximumBackoff)
            let first = !state.wasLost
            state.wasLost = true
            return (first || had, had)
        }
        health.recordFault(failure.description, at: Date())
        if log {
            logger.error(was || lost ? "database connection lost; retrying with backoff" : "database unreachable; retrying with backoff", metadata: [
                "database": "\(url.redacted)", "connection": "\(name)", "error": "\(failure.reason)",
            ])
        }
    }
}
