import Foundation
import ModelgateTestSupport
import Testing

/// Logs of a run with allowed and denied checks hold no key and no secret (issue 3, done-when).
@Suite struct LogSecrecyTests {
    @Test func noKeyOrSecretReachesTheLogs() async throws {
        let logs = LogCapture()
        var secrets: Set<String> = []
        var allowed = 0
        var denied = 0
        for suite in try TestVectors.all() {
            secrets.formUnion(Self.secretValues(inConfigJSON: suite.configJSON))
            let front = try await RunningFront.start(configYAML: suite.configJSON, logger: logs.logger)
            for vector in suite.cases {
                for (name, value) in vector.headers where ["authorization", "x-api-key", "api-key", "x-goog-api-key"].contains(name.lowercased()) {
                    // A bare scheme ("Bearer ") carries no key; it is also a word of the help message.
                    let trimmed = value.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty || trimmed.lowercased() == "bearer" { continue }
                    secrets.insert(value)
                    if let space = value.firstIndex(of: " ") { secrets.insert(String(value[value.index(after: space)...])) }
                }
                let response = try await front.exchange(
                    method: vector.method, target: "/check" + vector.path, headers: vector.headers,
                    body: vector.body.map { Array($0.utf8) })
                if response.status == 200 { allowed += 1 } else { denied += 1 }
            }
            try await front.stop()
        }
        let lines = logs.captured
        // The run must have exercised both outcomes and logged them, or the test proves nothing.
        #expect(allowed > 0 && denied > 0)
        #expect(lines.contains { $0.contains(#""msg":"check denied""#) })
        #expect(lines.contains { $0.contains(#""msg":"check allowed""#) })
        #expect(secrets.count > 10)
        for secret in secrets where secret.count >= 6 {
            let leaking = lines.filter { $0.contains(secret) }
            #expect(leaking.isEmpty, "\(secret) appears in: \(leaking.prefix(3))")
        }
        // Every line is one JSON object.
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
    }

    /// Virtual keys and provider credential values of a vector config.
    static func secretValues(inConfigJSON json: String) -> Set<String> {
        guard let config = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return [] }
        var secrets: Set<String> = []
        for key in config["keys"] as? [[String: Any]] ?? [] {
            if let value = key["key"] as? String { secrets.insert(value) }
        }
        for deployment in config["model_list"] as? [[String: Any]] ?? [] {
            if let value = (deployment["litellm_params"] as? [String: Any])?["api_key"] as? String { secrets.insert(value) }
        }
        for credential in config["credential_list"] as? [[String: Any]] ?? [] {
            for case let value as String in (credential["credential_values"] as? [String: Any] ?? [:]).values { secrets.insert(value) }
        }
        return secrets
    }
}
