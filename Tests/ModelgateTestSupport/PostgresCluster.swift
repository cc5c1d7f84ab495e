import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for tests: `initdb` into a temporary folder, `pg_ctl start` as the
/// `postgres` user (PostgreSQL refuses root) on a free loopback port, password (SCRAM) auth
/// over TCP. One cluster per test process (`shared`); each test takes a fresh database.
///
/// Tests skip only when the PostgreSQL binaries are absent (`PostgresCluster.isAvailable`);
/// CI installs them.
public final class PostgresCluster: @unchecked Sendable {
    public let user = "modelgate"
    /// Holds characters a URL must percent-encode, so that path is tested too.
    public let password = "pg-Secret/9@x:" + String(UInt32.random(in: 100_000...999_999))
    public private(set) var port: Int
    public let directory: URL
    private let lock = NSLock()

    /// Where the server binaries are: `MODELGATE_PG_BIN`, else Debian's newest
    /// `/usr/lib/postgresql/N/bin`.
    public static let binaries: URL? = {
        if let bin = ProcessInfo.processInfo.environment["MODELGATE_PG_BIN"] { return URL(fileURLWithPath: bin) }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = URL(fileURLWithPath: "\(root)/\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("pg_ctl").path) { return bin }
        }
        return nil
    }()

    public static var isAvailable: Bool { binaries != nil }
    public static let skipMessage = "PostgreSQL server binaries not found (install Debian's postgresql package, or set MODELGATE_PG_BIN): PostgreSQL tests skipped"

    /// The cluster this test process shares, started on first use; nil without binaries.
    public static let shared: PostgresCluster? = {
        guard isAvailable else {
            FileHandle.standardError.write(Data((skipMessage + "\n").utf8))
            return nil
        }
        do {
            let cluster = try PostgresCluster()
            atexit { PostgresCluster.shared?.destroy() }
            return cluster
        } catch {
            FileHandle.standardError.write(Data("cannot start the test PostgreSQL: \(error)\n".utf8))
            return nil
        }
    }()

    public init() throws {
        guard let bin = Self.binaries else { throw ClusterError(Self.skipMessage) }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let passwordFile = directory.appendingPathComponent("pwfile")
        try Data(password.utf8).write(to: passwordFile)
        try Self.chownToPostgres(directory.path, recursive: true)
        try Self.run(bin.appendingPathComponent("initdb").path, [
            "-D", directory.appendingPathComponent("data").path, "-U", user, "--pwfile=\(passwordFile.path)",
            "--auth=scram-sha-256", "-E", "UTF8", "--no-sync",
        ])
        var lastError: (any Error)?
        for _ in 0..<5 {
            let candidate = FreePorts.pick()
            do {
                port = candidate
                try start()
                try? stopWhenThisProcessEnds(bin: bin)
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ClusterError("cannot start PostgreSQL")
    }

    /// A URL for `database` with the password percent-encoded.
    public func url(database: String, password: String? = nil) -> String {
        let encoded = (password ?? self.password).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return "postgres://\(user):\(encoded)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates an empty database and returns its URL.
    public func createDatabase(prefix: String = "test") throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs SQL on the `postgres` database.
    public func psql(_ sql: String, database: String = "postgres") throws {
        guard let bin = Self.binaries else { return }
        let psql = bin.appendingPathComponent("psql").path
        try Self.run(FileManager.default.isExecutableFile(atPath: psql) ? psql : "/usr/bin/psql", [
            "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql,
        ], environment: ["PGPASSWORD": password], asPostgres: false)
    }

    /// `pg_ctl start` (again, after `stop`) on the same port.
    public func start() throws {
        guard let bin = Self.binaries else { return }
        try Self.run(bin.appendingPathComponent("pg_ctl").path, [
            "-D", directory.appendingPathComponent("data").path, "-w", "-t", "30",
            "-l", directory.appendingPathComponent("server.log").path,
            "-o", "-p \(port) -c listen_addresses=127.0.0.1 -k \(directory.path) -c fsync=off -c max_connections=200",
            "start",
        ])
    }

    /// `pg_ctl stop`; `immediate` is `-m immediate` (an outage: no clean shutdown).
    public func stop(immediate: Bool = false) {
        guard let bin = Self.binaries else { return }
        try? Self.run(bin.appendingPathComponent("pg_ctl").path, [
            "-D", directory.appendingPathComponent("data").path, "-m", immediate ? "immediate" : "fast", "-w", "stop",
        ])
    }

    /// Stops the server and removes its folder if this process crashes or is killed.
    private func stopWhenThisProcessEnds(bin: URL) throws {
        let pgctl = bin.appendingPathComponent("pg_ctl").path
        let stop = (Self.isRoot ? "/usr/sbin/runuser -u postgres -- " : "") + "'\(pgctl)' -D '\(directory.path)/data' -m immediate stop"
        try OrphanGuard.whenThisProcessEnds(run: "\(stop); rm -rf '\(directory.path)'")
    }

    /// Stops the server (`-m immediate`) and removes its folder.
    public func destroy() {
        stop(immediate: true)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's own log (to check what it never holds).
    public var serverLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    private static var isRoot: Bool { getuid() == 0 }

    private static func chownToPostgres(_ path: String, recursive: Bool) throws {
        guard isRoot else { return }
        try run("/bin/chown", (recursive ? ["-R"] : []) + ["postgres", path], asPostgres: false)
    }

    /// Runs a command to its end and returns what it printed.
    ///
    /// posix_spawn, not Foundation's `Process`: `Process` learns that a child ended when every
    /// holder of a socket it hands the child has closed it, and the server `pg_ctl start` leaves
    /// behind inherits that socket, so `waitUntilExit` never returned. Here every descriptor
    /// above stderr is closed in the child and the parent waits on the pid itself.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], asPostgres: Bool = true) throws -> String {
        let command = asPostgres && isRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        // In /tmp: the `postgres` user may not enter the caller's folder.
        let argv = ["/bin/sh", "-c", "cd /tmp && exec \"$@\"", "sh"] + command
        let variables = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"].merging(environment) { _, new in new }.map { "\($0.key)=\($0.value)" }
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-pg-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outputFile) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        for descriptor in open where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = variables.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else { throw ClusterError("cannot start \(argv[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ClusterError("waitpid failed: errno \(errno)") }
        }
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS are macros Swift does not import.
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw ClusterError("\(URL(fileURLWithPath: executable).lastPathComponent) exited \(exited ? code : -1): \(text.suffix(600))")
        }
        return text
    }
}

public struct ClusterError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
