import Foundation
import Synchronization

/// Whether the database answered the last time it was asked. Checks never touch the database
/// (they read the snapshot), so a fault shows only on admin calls and rebuilds; readiness
/// reports the last one until a later call succeeds.
public final class DatabaseHealth: Sendable {
    public struct Fault: Sendable {
        /// SQLite's own words (`database is locked`); never holds a key or credential.
        public var message: String
        public var since: Date
    }

    private let state = Mutex<Fault?>(nil)

    public init() {}

    /// The fault in force, nil when the last call succeeded.
    public var fault: Fault? { state.withLock { $0 } }

    func recordFault(_ message: String, at date: Date) {
        state.withLock { fault in
            fault = Fault(message: message, since: fault?.since ?? date)
        }
    }

    func recordSuccess() {
        state.withLock { $0 = nil }
    }
}
