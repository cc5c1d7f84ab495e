import Foundation
import Testing

/// `modelgate serve` as a process: start-up failures, SIGHUP reloads, SIGTERM drains.
@Suite struct ServeLifecycleTests {
    static func config(keys: [String]) -> String {
        """
        model_list:
          - model_name: gpt-4o
            litellm_params: { model: openai/gpt-4o, api_key: openai-serve-secret }
        keys:
        \(keys.enumerated().map { "  - { key: \($1), key_alias: holder-\($0) }" }.joined(separator: "\n"))
        """
    }

    /// The port from the JSON log line `HTTP front listening`.
    static func port(fromListeningLine line: String) throws -> Int {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let address = try #require(object["address"] as? String)
        return try #require(Int(address.split(separator: ":").last ?? ""))
    }

    static func check(port: Int, key: String) async throws -> (status: Int, headers: [String: String], body: String) {
        let body = #"{"model":"gpt-4o"}"#
        return try await HTTPProbe.send("POST", "http://127.0.0.1:\(port)/check", headers: [
            "Authorization": "Bearer \(key)", "X-Original-Method": "POST", "X-Original-URI": "/v1/chat/completions",
            "X-Original-Content-Length": String(body.utf8.count), "Content-Type": "application/json",
        ], body: body)
    }

    @Test func sighupReloadsAndABrokenConfigKeepsTheOldOneServing() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try Self.config(keys: ["sk-first"]).write(to: config, atomically: true, encoding: .utf8)
        let server = try CLI.start([
            "serve", "--config", config.path, "--database", directory.appendingPathComponent("db.sqlite").path,
            "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--log-format", "json", "--log-level", "debug",
        ], in: directory)
        defer { if server.process.isRunning { server.signal(SIGKILL) } }
        let port = try Self.port(fromListeningLine: try await server.waitForLine(containing: "HTTP front listening"))

        #expect(try await Self.check(port: port, key: "sk-first").status == 200)
        #expect(try await HTTPProbe.send("GET", "http://127.0.0.1:\(port)/health/readiness").status == 200)

        // A broken config: rejected, the old policy keeps deciding.
        try "model_list: [ {".write(to: config, atomically: true, encoding: .utf8)
        var seen = server.stderrLineCount
        server.signal(SIGHUP)
        _ = try await server.waitForLine(containing: "config reload rejected", after: seen)
        #expect(try await Self.check(port: port, key: "sk-first").status == 200)

        // A valid new config takes over.
        try Self.config(keys: ["sk-second"]).write(to: config, atomically: true, encoding: .utf8)
        seen = server.stderrLineCount
        server.signal(SIGHUP)
        _ = try await server.waitForLine(containing: "config reloaded", after: seen)
        let revoked = try await Self.check(port: port, key: "sk-first")
        #expect(revoked.status == 401)
        #expect(revoked.headers["x-modelgate-reason"] == "invalid_key")
        #expect(try await Self.check(port: port, key: "sk-second").status == 200)

        let metrics = try await HTTPProbe.send("GET", "http://127.0.0.1:\(port)/metrics")
        #expect(metrics.body.contains(#"modelgate_config_reloads_total{result="failure"} 1"#), "\(metrics.body)")
        #expect(metrics.body.contains(#"modelgate_config_reloads_total{result="success"} 1"#))

        server.signal(SIGTERM)
        let result = try await server.waitForExit()
        #expect(result.status == 0, "\(result.stderr)")
        // JSON lines only, and no key or credential in any of them.
        for line in result.stderr.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
        #expect(result.stderr.contains(#""msg":"check denied""#))
        for secret in ["sk-first", "sk-second", "openai-serve-secret"] {
            #expect(!result.stderr.contains(secret), "\(secret) in the logs")
        }
    }

    @Test func badConfigOrDatabaseExits2WithEveryError() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try """
            model_list:
              - model_name: a
                litellm_params: { api_key: k }
              - litellm_params: { model: openai/x }
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await CLI.run([
            "serve", "--config", config.path, "--database", directory.appendingPathComponent("db.sqlite").path,
            "--http", "127.0.0.1:0",
        ], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains("model_list[0]") && result.stderr.contains("model_list[1]"), "\(result.stderr)")

        try Self.config(keys: []).write(to: config, atomically: true, encoding: .utf8)
        let unusable = try await CLI.run([
            "serve", "--config", config.path, "--database", directory.appendingPathComponent("no/such/dir/db.sqlite").path,
            "--http", "127.0.0.1:0",
        ], in: directory)
        #expect(unusable.status == 2, "\(unusable.stderr)")

        let badAddress = try await CLI.run(["serve", "--http", "nonsense"], in: directory)
        #expect(badAddress.status == 2)
    }
}
