import Foundation
import ModelgateTestSupport
import Testing

/// `modelgate serve` on a PostgreSQL that is not there (CONTRACT §8): retried for 30 s, then exit
/// 2 naming the host and the reason, never the password. Needs no server; mostly waiting.
@Suite("serve with an unreachable PostgreSQL")
struct ServeStartTests {
    @Test("an unreachable database at start: retried for 30 s, then exit 2 naming the host and the reason")
    func unreachableAtStart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-start-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let password = "planted-Pw/" + String(UInt32.random(in: 100_000...999_999))
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        // Port 1 on loopback: nothing listens there, so every attempt is refused at once.
        let url = "postgres://modelgate:\(encoded)@127.0.0.1:1/modelgate?sslmode=disable"
        let logFile = folder.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = Replica.executable
        let port = FreePorts.pick(count: 2)
        process.arguments = ["serve", "--http", "127.0.0.1:\(port)", "--grpc", "127.0.0.1:\(port + 1)"]
        process.environment = ["PATH": "/usr/bin:/bin", "MODELGATE_DATABASE_URL": url]
        process.standardOutput = try FileHandle(forWritingTo: logFile)
        process.standardError = try FileHandle(forWritingTo: logFile)
        let started = Date()
        try process.run()
        OrphanGuard.kill(process.processIdentifier)
        while process.isRunning && Date().timeIntervalSince(started) < 60 {
            try await Task.sleep(for: .milliseconds(200))
        }
        let took = Date().timeIntervalSince(started)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 2, "serve: \(log)")
        #expect(took >= 29 && took < 50, "serve gave up after \(took) s")
        #expect(log.contains("127.0.0.1:1") && log.contains("connection refused"), "\(log)")
        #expect(!log.contains(password) && !log.contains(encoded), "the password is in serve's output")
        #expect(log.contains("modelgate:***@127.0.0.1:1"))
    }
}
