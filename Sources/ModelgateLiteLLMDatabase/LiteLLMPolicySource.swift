import Foundation
import Logging
import ModelgateLiteLLM
import ModelgatePostgres
import PostgresNIO
import Synchronization

/// LiteLLM's database as a policy source: a full read at start, then a poll every
/// `pollInterval` (changes only) and a full reconciliation every `reconcileInterval` (so a row
/// deleted by hand stops counting), over one read-only connection that is re-opened with
/// backoff when it fails; after a reconnect the first round is a reconciliation (catch-up).
///
/// Errors name the host and the reason, never the password (`DatabaseFailure`).
public struct LiteLLMPolicySource: Sendable {
    public var url: DatabaseURL
    public var mapper: LiteLLMPolicyMapper
    public var pollInterval: Duration = .milliseconds(250)
    public var reconcileInterval: Duration = .seconds(60)
    /// Reconnect backoff cap: the source is back within this of the database's return.
    public var maxBackoff: Duration = .seconds(2)
    /// A full read not answered within this counts as a failure: the connection is dropped and
    /// re-opened (a server killed mid-round may leave a query unanswered).
    public var roundTimeout: Duration = .seconds(10)
    /// The same for a poll, which reads only changed rows: short, so a database gone without a
    /// word is reported (readiness, `max_policy_staleness_seconds`) within about 2 s.
    public var pollTimeout: Duration = .milliseconds(1500)
    let logger: Logger

    public init(url: DatabaseURL, mapper: LiteLLMPolicyMapper, logger: Logger) {
        self.url = url
        self.mapper = mapper
        self.logger = logger
    }

    /// Connects (retrying for up to `waitUpTo` seconds) and reads everything.
    public func load(waitUpTo seconds: Double) async throws(DatabaseFailure) -> LiteLLMContents {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var backoff: Duration = .milliseconds(250)
        while true {
            do {
                let connection = try await connect()
                do {
                    let contents = try await LiteLLMDatabaseReader.readAll(on: connection, logger: logger)
                    try? await connection.close()
                    return contents
                } catch {
                    try? await connection.close()
                    throw error
                }
            } catch {
                let failure = DatabaseFailure(error, url: url)
                guard failure.isConnectivity, ContinuousClock.now + backoff < deadline else { throw failure }
                logger.warning("LiteLLM database not reachable yet, retrying", metadata: ["reason": "\(failure)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
            }
        }
    }

    /// Polls until the task is cancelled. After every successful round `tracked` gets the
    /// tracker (the rows known now), then `deliver` gets the delta when it is not empty;
    /// `failed` is told each time a round fails (the reason names the place, never a secret);
    /// the next `tracked` says the source is back.
    public func run(
        tracker initial: LiteLLMChangeTracker,
        tracked: @Sendable (LiteLLMChangeTracker) -> Void = { _ in },
        deliver: @Sendable (LiteLLMDelta) -> Void,
        failed: @Sendable (_ reason: String) -> Void
    ) async {
        var tracker = initial
        var connection: PostgresConnection?
        var lastReconcile = ContinuousClock.now
        var needsCatchUp = false
        var backoff: Duration = .milliseconds(250)
        var archives = true
        var members = true
        while !Task.isCancelled {
            do {
                if connection == nil {
                    // Not yet "up": the source is back once a round has caught up (`tracked`).
                    let opened = try await connect()
                    connection = opened
                    backoff = .milliseconds(250)
                    let readable = try await LiteLLMDatabaseReader.canRead(LiteLLMDatabaseReader.archiveTables, on: opened, logger: logger)
                    if !readable && archives {
                        logger.warning("""
                            cannot read LiteLLM's archives (\(LiteLLMDatabaseReader.archiveTables.joined(separator: ", "))): \
                            deleted keys and teams are found by reading every token and team id on each poll; \
                            grant SELECT on them (README, Bolt onto LiteLLM)
                            """)
                    }
                    archives = readable
                    let membersReadable = try await LiteLLMDatabaseReader.canRead(LiteLLMDatabaseReader.memberTables, on: opened, logger: logger)
                    if !membersReadable && members {
                        logger.warning("""
                            cannot read \(LiteLLMDatabaseReader.memberTables.joined(separator: ", ")): \
                            team members' own model lists are not enforced; grant SELECT on them (README, Bolt onto LiteLLM)
                            """)
                    }
                    members = membersReadable
                }
                guard let open = connection else { continue }
                let delta: LiteLLMDelta
                if needsCatchUp || ContinuousClock.now - lastReconcile >= reconcileInterval {
                    let contents = try await Self.bounded(roundTimeout) { [logger] in
                        try await LiteLLMDatabaseReader.readAll(on: open, logger: logger)
                    }
                    delta = tracker.reconcile(contents)
                    lastReconcile = ContinuousClock.now
                    needsCatchUp = false
                } else {
                    let known = tracker
                    let poll = try await Self.bounded(pollTimeout) { [logger, archives, members] in
                        try await LiteLLMDatabaseReader.poll(known, archives: archives, teamMembers: members, on: open, logger: logger)
                    }
                    delta = tracker.apply(poll)
                }
                for problem in delta.problems { logger.warning("LiteLLM row not used as stored", metadata: ["row": "\(problem)"]) }
                tracked(tracker)
                if !delta.isEmpty { deliver(delta) }
                try? await Task.sleep(for: pollInterval)
            } catch {
                if Task.isCancelled { break }
                let failure = DatabaseFailure(error, url: url)
                logger.error("LiteLLM database unavailable; checks go on from the last policy", metadata: ["reason": "\(failure)"])
                failed(failure.description)
                // Not awaited: closing a connection the server dropped may not finish either.
                if let open = connection { Task { try? await open.close() } }
                connection = nil
                needsCatchUp = true
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
            }
        }
        if let open = connection { Task { try? await open.close() } }
    }

    /// Runs `operation` in its own task and returns its result, or throws when `limit` passes or
    /// the caller is cancelled first; a stuck operation is then left behind (cancelled), so it
    /// stalls neither the source nor shutdown.
    static func bounded<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let work = Task {
            do { outcome.finish(.success(try await operation())) } catch { outcome.finish(.failure(error)) }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.finish(.failure(RoundTimeout(limit: limit)))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { outcome.wait($0) }
        } onCancel: {
            work.cancel()
            outcome.finish(.failure(CancellationError()))
        }
    }

    /// The first result wins; the waiter is resumed exactly once.
    final class Outcome<T: Sendable>: Sendable {
        private struct State {
            var waiter: CheckedContinuation<T, any Error>?
            var result: Result<T, any Error>?
            var resumed = false
        }
        private let state = Mutex(State())

        func wait(_ waiter: CheckedContinuation<T, any Error>) {
            let ready: Result<T, any Error>? = state.withLock { state in
                if let result = state.result, !state.resumed {
                    state.resumed = true
                    return result
                }
                state.waiter = waiter
                return nil
            }
            if let ready { waiter.resume(with: ready) }
        }

        func finish(_ result: Result<T, any Error>) {
            let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
                guard state.result == nil, !state.resumed else { return nil }
                state.result = result
                guard let waiter = state.waiter else { return nil }
                state.resumed = true
                state.waiter = nil
                return waiter
            }
            waiter?.resume(with: result)
        }
    }

    /// A round the database did not answer in time.
    struct RoundTimeout: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no answer within \(limit)" }
    }

    private func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: url.connectionConfiguration(), id: 1, logger: logger)
    }
}
