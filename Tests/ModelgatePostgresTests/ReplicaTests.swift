import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ModelgateTestSupport
import Testing

/// Three `modelgate serve` processes (the built binary) on one real PostgreSQL.
@Suite("Many replicas on one PostgreSQL", .serialized, .enabled(if: PostgresCluster.isAvailable, Comment(rawValue: PostgresCluster.skipMessage)))
struct ReplicaTests {
    static let master = "sk-master-replicas-0001"
    static let config = """
        model_list:
          - model_name: gpt-4o
            litellm_params: { model: openai/gpt-4o }
          - model_name: other
            litellm_params: { model: openai/other }
        """

    @Test("every admin write on one replica is in force on the others; outage; kill -9; no password anywhere")
    func replicas() async throws {
        // Its own server: this test stops and restarts it, which must not touch other suites.
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let url = try cluster.createDatabase(prefix: "replicas")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modelgate-replicas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configFile = folder.appendingPathComponent("config.yaml")
        try Data(Self.config.utf8).write(to: configFile)
        var replicas = try (0..<3).map { try Replica.start(index: $0, url: url, config: configFile, folder: folder) }
        defer { for replica in replicas { replica.send(SIGKILL) } }
        for replica in replicas { try await replica.waitReady() }
        let (a, b, c) = (replicas[0], replicas[1], replicas[2])
        var lags: [Double] = []

        /// Waits until `expect` holds for a check on `others`; records the lag from now.
        func inForce(_ key: String, model: String = "gpt-4o", on others: [Replica], status expected: Int) async throws {
            let start = Date()
            for replica in others {
                while try await replica.check(key: key, model: model) != expected {
                    if Date().timeIntervalSince(start) > 5 { Issue.record("replica \(replica.index) never answered \(expected)"); return }
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            lags.append(Date().timeIntervalSince(start))
        }

        #expect(try await a.admin("/team/new", #"{"team_id": "t1", "models": ["gpt-4o", "other"]}"#).status == 200)
        // Writes are checked against the database: B accepts a key for a team made on A.
        let made = try await b.admin("/key/generate", #"{"team_id": "t1", "models": ["gpt-4o"], "key_alias": "k1"}"#)
        #expect(made.status == 200)
        let key = try #require(made.json["key"] as? String)
        try await inForce(key, on: [a, c], status: 200)
        #expect(try await a.admin("/key/block", #"{"key": "\#(key)"}"#).status == 200)
        try await inForce(key, on: [b, c], status: 401)
        #expect(try await a.admin("/key/unblock", #"{"key": "\#(key)"}"#).status == 200)
        try await inForce(key, on: [b, c], status: 200)
        #expect(try await a.admin("/key/update", #"{"key": "\#(key)", "models": ["other"]}"#).status == 200)
        try await inForce(key, on: [b, c], status: 403)
        try await inForce(key, model: "other", on: [b, c], status: 200)
        #expect(try await a.admin("/team/update", #"{"team_id": "t1", "models": ["gpt-4o"]}"#).status == 200)
        try await inForce(key, model: "other", on: [b, c], status: 403)
        #expect(try await a.admin("/team/block", #"{"team_id": "t1"}"#).status == 200)
        try await inForce(key, model: "other", on: [b, c], status: 401)
        #expect(try await a.admin("/team/unblock", #"{"team_id": "t1"}"#).status == 200)
        try await inForce(key, model: "other", on: [b, c], status: 403)
        // A user's list narrows its keys.
        let userKey = try #require(try await a.admin("/user/new", #"{"user_id": "u1", "models": ["gpt-4o"]}"#).json["key"] as? String)
        try await inForce(userKey, on: [b, c], status: 200)
        #expect(try await a.admin("/user/update", #"{"user_id": "u1", "models": ["other"]}"#).status == 200)
        try await inForce(userKey, on: [b, c], status: 403)
        // A credential a key names: unavailable until stored, then in force.
        let credentialKey = try #require(try await a.admin("/key/generate", #"{"model_config": {"defaultconfig": {"openai": {"litellm_credentials": "oa"}}}}"#).json["key"] as? String)
        try await inForce(credentialKey, on: [b, c], status: 403)
        #expect(try await a.admin("/credentials", #"{"credential_name": "oa", "credential_values": {"api_key": "sk-provider-1"}, "credential_info": {"custom_llm_provider": "openai"}}"#).status == 200)
        try await inForce(credentialKey, on: [b, c], status: 200)
        #expect(try await a.admin("/credentials/oa", "", method: "DELETE").status == 200)
        try await inForce(credentialKey, on: [b, c], status: 403)
        #expect(try await a.admin("/key/delete", #"{"keys": ["\#(userKey)"]}"#).status == 200)
        try await inForce(userKey, on: [b, c], status: 401)

        // The database goes away: checks go on, writes answer 503, readiness says so.
        cluster.stop(immediate: true)
        let stopped = Date()
        #expect(try await b.check(key: key, model: "other") == 403)
        let refused = try await a.admin("/key/block", #"{"key": "\#(key)"}"#)
        #expect(refused.status == 503)
        #expect(refused.body.contains("database_unavailable"))
        var reported = false
        while Date().timeIntervalSince(stopped) < 2.5 {
            if try await c.get("/health/readiness").body.contains(#""database":"unavailable""#) { reported = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(reported, "readiness did not report the database within 2 s")
        #expect(try await c.get("/health/readiness").status == 200)
        // It returns: writes work again within 10 s and propagate.
        try cluster.start()
        let restarted = Date()
        var written = false
        while Date().timeIntervalSince(restarted) < 10 {
            if try await a.admin("/key/block", #"{"key": "\#(key)"}"#).status == 200 { written = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(written, "writes did not work again within 10 s of the database's return")
        try await inForce(key, model: "other", on: [b, c], status: 401)

        // A replica killed with -9 during writes sees them all when it comes back.
        c.send(SIGKILL)
        #expect(try await a.admin("/key/unblock", #"{"key": "\#(key)"}"#).status == 200)
        #expect(try await a.admin("/team/update", #"{"team_id": "t1", "models": ["gpt-4o", "other"]}"#).status == 200)
        let again = try Replica.start(index: 2, url: url, config: configFile, folder: folder)
        replicas[2] = again
        try await again.waitReady()
        #expect(try await again.check(key: key, model: "other") == 200)
        // Deleting the team takes its keys with it, on every replica.
        #expect(try await b.admin("/team/delete", #"{"team_ids": ["t1"]}"#).status == 200)
        try await inForce(key, model: "other", on: [a, again], status: 401)

        // The password is in no log line, metric, health answer or error.
        let password = cluster.password
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        #expect(!c.log.contains(password) && !c.log.contains(encoded))
        for replica in replicas {
            let outputs = [replica.log, try await replica.get("/metrics").body, try await replica.get("/health/readiness").body, refused.body]
            for text in outputs {
                #expect(!text.contains(password) && !text.contains(encoded), "replica \(replica.index) shows the password")
            }
        }
        #expect(a.log.contains("***"))

        lags.sort()
        let p50 = lags[lags.count / 2], p99 = lags[min(lags.count - 1, Int(Double(lags.count) * 0.99))]
        print("REPLICA LAG writes=\(lags.count) p50=\(String(format: "%.1f", p50 * 1000)) ms p99=\(String(format: "%.1f", p99 * 1000)) ms")
        #expect(p99 < 1.0)
        try? FileManager.default.removeItem(at: folder)
    }
}

/// One `modelgate serve` process.
final class Replica: @unchecked Sendable {
    let index: Int
    let process: Process
    let port: Int
    let logFile: URL

    static var executable: URL {
        Bundle.main.bundleURL.appendingPathComponent("modelgate")
    }

    static func start(index: Int, url: String, config: URL, folder: URL) throws -> Replica {
        let port = FreePorts.pick(count: 2)
        let logFile = folder.appendingPathComponent("replica-\(index)-\(port).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--config", config.path, "--http", "127.0.0.1:\(port)", "--grpc", "127.0.0.1:\(port + 1)"]
        process.environment = [
            "PATH": "/usr/bin:/bin", "MODELGATE_DATABASE_URL": url, "MODELGATE_MASTER_KEY": ReplicaTests.master,
            "MODELGATE_SECRET_KEY": "replica-test-secret",
        ]
        process.standardOutput = try FileHandle(forWritingTo: logFile)
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()
        OrphanGuard.kill(process.processIdentifier)
        return Replica(index: index, process: process, port: port, logFile: logFile)
    }

    init(index: Int, process: Process, port: Int, logFile: URL) {
        self.index = index
        self.process = process
        self.port = port
        self.logFile = logFile
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    func waitReady() async throws {
        let start = Date()
        while Date().timeIntervalSince(start) < 60 {
            if let answer = try? await get("/health/readiness"), answer.status == 200 { return }
            guard process.isRunning else { throw ClusterError("replica \(index) exited: \(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterError("replica \(index) not ready: \(log)")
    }

    struct Answer {
        var status: Int
        var body: String
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    func request(_ path: String, method: String, body: String?, headers: [String: String]) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 10
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String) async throws -> Answer {
        try await request(path, method: "GET", body: nil, headers: [:])
    }

    func admin(_ path: String, _ body: String, method: String = "POST") async throws -> Answer {
        try await request(path, method: method, body: body.isEmpty ? nil : body, headers: [
            "Authorization": "Bearer \(ReplicaTests.master)", "Content-Type": "application/json",
        ])
    }

    /// The status of an Envoy-style check of a chat completion naming `model`.
    func check(key: String, model: String) async throws -> Int {
        try await request("/check/v1/chat/completions", method: "POST", body: #"{"model": "\#(model)"}"#, headers: [
            "Authorization": "Bearer \(key)", "Content-Type": "application/json",
        ]).status
    }
}
