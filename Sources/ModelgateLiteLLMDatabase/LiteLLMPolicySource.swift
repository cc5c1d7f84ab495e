import Foundation
import Logging
import ModelgateLiteLLM
import ModelgatePostgres
import PostgresNIO

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
    /// `health` is told when the database goes away (with the reason) and comes back.
    public func run(
        tracker initial: LiteLLMChangeTracker,
        tracked: @Sendable (LiteLLMChangeTracker) -> Void = { _ in },
        deliver: @Sendable (LiteLLMDelta) -> Void,
        health: @Sendable (_ up: Bool, _ reason: String?) -> Void
    ) async {
        var tracker = initial
        var connection: PostgresConnection?
        var lastReconcile = ContinuousClock.now
        var needsCatchUp = false
        var backoff: Duration = .milliseconds(250)
        while !Task.isCancelled {
            do {
                if connection == nil {
                    connection = try await connect()
                    health(true, nil)
                    backoff = .milliseconds(250)
                }
                let delta: LiteLLMDelta
                if needsCatchUp || ContinuousClock.now - lastReconcile >= reconcileInterval {
                    delta = tracker.reconcile(try await LiteLLMDatabaseReader.readAll(on: connection!, logger: logger))
                    lastReconcile = ContinuousClock.now
                    needsCatchUp = false
                } else {
                    delta = tracker.apply(try await LiteLLMDatabaseReader.poll(tracker, on: connection!, logger: logger))
                }
                for problem in delta.problems { logger.warning("LiteLLM row not used as stored", metadata: ["row": "\(problem)"]) }
                tracked(tracker)
                if !delta.isEmpty { deliver(delta) }
                try? await Task.sleep(for: pollInterval)
            } catch {
                let failure = DatabaseFailure(error, url: url)
                logger.error("LiteLLM database unavailable; checks go on from the last policy", metadata: ["reason": "\(failure)"])
                health(false, failure.description)
                if let open = connection { try? await open.close() }
                connection = nil
                needsCatchUp = true
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, maxBackoff)
            }
        }
        if let open = connection { try? await open.close() }
    }

    private func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: url.connectionConfiguration(), id: 1, logger: logger)
    }
}
