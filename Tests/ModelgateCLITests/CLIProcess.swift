import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the built `modelgate` executable, as users and scripts do.
enum CLI {
    /// `.build/<triple>/debug/modelgate`, next to the test bundle.
    static var executable: URL {
        #if os(macOS)
        let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL.deletingLastPathComponent()
        #else
        let products = Bundle.main.bundleURL
        #endif
        return products.appendingPathComponent("modelgate")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion; output goes through files so a chatty command cannot block on a
    /// full pipe.
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL) async throws -> Result {
        let running = try start(arguments, environment: environment, in: directory)
        return try await running.waitForExit()
    }

    static func start(_ arguments: [String], environment: [String: String] = [:], in directory: URL) throws -> RunningProcess {
        let id = UUID().uuidString
        let stdout = directory.appendingPathComponent("stdout-\(id)")
        let stderr = directory.appendingPathComponent("stderr-\(id)")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // A clean environment, except the sanitizers' options: under ASan the child must get the
        // run's `ASAN_OPTIONS` (docs/FUZZING.md turns leak checking off for the toolchain's own leaks).
        let sanitizerOptions = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }
        process.environment = ["PATH": "/usr/bin:/bin"].merging(sanitizerOptions) { _, new in new }.merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return RunningProcess(process: process, stdoutFile: stdout, stderrFile: stderr)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}

/// A started `modelgate` process.
final class RunningProcess: @unchecked Sendable {
    let process: Process
    let stdoutFile: URL
    let stderrFile: URL

    init(process: Process, stdoutFile: URL, stderrFile: URL) {
        self.process = process
        self.stdoutFile = stdoutFile
        self.stderrFile = stderrFile
    }

    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    func waitForExit(timeout: Duration = .seconds(30)) async throws -> CLI.Result {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw CLIError("process did not exit in time; stderr:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return CLI.Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Waits until standard error holds a line containing `text`; returns that line.
    func waitForLine(containing text: String, after skip: Int = 0, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stderr.split(separator: "\n").dropFirst(skip).first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { throw CLIError("process exited (\(process.terminationStatus)) before logging \(text); stderr:\n\(stderr)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CLIError("no log line with \(text); stderr:\n\(stderr)")
    }

    var stderrLineCount: Int { stderr.split(separator: "\n").count }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One HTTP request with URLSession (status and headers are all these tests need).
enum HTTPProbe {
    static func send(_ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil) async throws -> (status: Int, headers: [String: String], body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return (http.statusCode, fields, String(decoding: data, as: UTF8.self))
    }
}
