import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Servers a test starts as separate processes must not outlive the test process: when it
/// crashes or is killed, `defer` and `atexit` do not run, and a left-over server holds ports and
/// a database. A detached shell watches the test process and cleans up once it is gone.
public enum OrphanGuard {
    /// Runs `cleanup` (a shell command) once this test process has ended.
    static func whenThisProcessEnds(run cleanup: String) throws {
        let watcher = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(cleanup)"
        try PostgresCluster.run("/bin/sh", ["-c", "(\(watcher)) </dev/null >/dev/null 2>&1 &"], asPostgres: false)
    }

    /// Kills `pid` with SIGKILL once this test process has ended (the watcher leaves early when
    /// `pid` ends first).
    public static func kill(_ pid: Int32) {
        let watcher = "while kill -0 \(getpid()) 2>/dev/null; do kill -0 \(pid) 2>/dev/null || exit 0; sleep 1; done; kill -9 \(pid)"
        try? PostgresCluster.run("/bin/sh", ["-c", "(\(watcher)) </dev/null >/dev/null 2>&1 &"], asPostgres: false)
    }
}
