import Foundation
import ModelgateTestSupport
import Testing

/// `modelgate check` decides every vector as the service does, with the contract's exit codes.
@Suite struct CheckCommandTests {
    @Test func everyVectorDecidesAndExitsAsExpected() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var checked = 0
        for suite in try TestVectors.all() {
            let config = directory.appendingPathComponent("\(suite.file).yaml")
            try suite.configJSON.write(to: config, atomically: true, encoding: .utf8)
            for (index, vector) in suite.cases.enumerated() {
                var arguments = ["check", "--config", config.path, "--method", vector.method, "--path", vector.path]
                for (name, value) in vector.headers { arguments += ["-H", "\(name): \(value)"] }
                if let body = vector.body {
                    let file = directory.appendingPathComponent("body-\(index)")
                    try body.write(to: file, atomically: true, encoding: .utf8)
                    arguments += ["--body", file.path]
                }
                let result = try await CLI.run(arguments, in: directory)
                let label = "\(suite.file) / \(vector.name)"
                #expect(result.status == (vector.expect.allow ? 0 : 1), "\(label): exit \(result.status), stderr: \(result.stderr)")
                let document = try #require(
                    try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(label): \(result.stdout)")
                #expect(document["allow"] as? Bool == vector.expect.allow, "\(label)")
                #expect(document["status"] as? Int == vector.expect.status, "\(label)")
                if let reason = vector.expect.reason { #expect(document["reason"] as? String == reason, "\(label)") }
                if let group = vector.expect.modelGroup { #expect(document["model_group"] as? String == group, "\(label)") }
                if let provider = vector.expect.provider { #expect(document["provider"] as? String == provider, "\(label)") }
                checked += 1
            }
        }
        #expect(checked > 50)
    }

    /// `--body -` reads standard input, and `--body <(…)` a process substitution: neither is a
    /// regular file with a size. A forbidden body model is denied, so the body was really read
    /// (a body read as empty would be `body_incomplete`).
    @Test func bodyFromStandardInputPipesAndProcessSubstitution() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try """
            model_list:
              - { model_name: cheap, litellm_params: { model: openai/gpt-4o-mini } }
              - { model_name: opus, litellm_params: { model: openai/gpt-5 } }
            keys: [{ key: sk-cheap, models: [cheap] }]
            """.write(to: config, atomically: true, encoding: .utf8)
        try #"{"model":"cheap","messages":[]}"#.write(to: directory.appendingPathComponent("cheap.json"), atomically: true, encoding: .utf8)
        let check = #""$MG" check --config "$CONFIG" --method POST --path '/v1/chat/completions?model=cheap' -H 'Authorization: Bearer sk-cheap' -H 'Content-Type: application/json'"#
        let cases: [(script: String, status: Int32, reason: String?)] = [
            (#"printf '{"model":"cheap","messages":[]}' | \#(check) --body -"#, 0, nil),
            (#"printf '{"model":"opus","messages":[]}' | \#(check) --body -"#, 1, "key_model_access_denied"),
            (#"\#(check) --body - < cheap.json"#, 0, nil),
            (#"\#(check) --body <(printf '{"model":"cheap","messages":[]}')"#, 0, nil),
            (#"\#(check) --body <(printf '{"model":"opus","messages":[]}')"#, 1, "key_model_access_denied"),
            (#"mkfifo body.fifo && (printf '{"model":"opus"}' > body.fifo &) && \#(check) --body body.fifo"#, 1, "key_model_access_denied"),
            // Nothing on standard input: a POST whose body never came.
            (#"\#(check) --body - < /dev/null"#, 1, "body_incomplete"),
            (#"\#(check) --body absent.json"#, 2, nil),
            (#"\#(check) --body ."#, 2, nil),
        ]
        for (script, status, reason) in cases {
            let result = try await Self.bash(script, environment: ["MG": CLI.executable.path, "CONFIG": config.path], in: directory)
            #expect(result.status == status, "\(script): exit \(result.status), stdout \(result.stdout), stderr \(result.stderr)")
            if status == 2 {
                #expect(result.stderr.contains("cannot read --body"), "\(script): \(result.stderr)")
                continue
            }
            let document = try #require(try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(script): \(result.stdout)")
            #expect(document["allow"] as? Bool == (status == 0), "\(script)")
            if let reason { #expect(document["reason"] as? String == reason, "\(script): \(result.stdout)") }
        }
    }

    /// Runs `script` with bash (pipes, `<(…)`), output through files as `CLI.run` does.
    private static func bash(_ script: String, environment: [String: String], in directory: URL) async throws -> CLI.Result {
        let stdout = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let stderr = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { _, new in new }
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return try await RunningProcess(process: process, stdoutFile: stdout, stderrFile: stderr).waitForExit()
    }

    @Test func usageAndConfigErrorsExit2() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try "model_list: []\n".write(to: config, atomically: true, encoding: .utf8)

        let missingMethod = try await CLI.run(["check", "--config", config.path, "--path", "/v1/models"], in: directory)
        #expect(missingMethod.status == 2, "\(missingMethod.stderr)")
        let badHeader = try await CLI.run(["check", "--config", config.path, "--method", "GET", "--path", "/v1/models", "-H", "no colon"], in: directory)
        #expect(badHeader.status == 2)
        #expect(badHeader.stderr.contains("Name: value"))
        let noFile = try await CLI.run(["check", "--config", directory.appendingPathComponent("absent.yaml").path, "--method", "GET", "--path", "/v1/models"], in: directory)
        #expect(noFile.status == 2)
        let noDatabase = try await CLI.run(["check", "--config", config.path, "--database", directory.appendingPathComponent("absent.sqlite").path, "--method", "GET", "--path", "/v1/models"], in: directory)
        #expect(noDatabase.status == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("absent.sqlite").path))

        try "model_list:\n  - model_name: x\n    litellm_params: { api_key: k }\n".write(to: config, atomically: true, encoding: .utf8)
        let badConfig = try await CLI.run(["check", "--config", config.path, "--method", "GET", "--path", "/v1/models"], in: directory)
        #expect(badConfig.status == 2)
        #expect(badConfig.stderr.contains("model_list[0]"), "\(badConfig.stderr)")
        #expect(badConfig.stdout.isEmpty)
    }
}

/// `modelgate config validate`.
@Suite struct ConfigValidateTests {
    @Test func validConfigPrintsASummary() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try """
            model_list:
              - model_name: gpt-4o
                litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_KEY }
              - model_name: gpt-4o
                litellm_params: { model: azure/gpt-4o-eu, api_key: azure-secret }
              - model_name: claude
                litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-6, litellm_credential_name: bedrock-default }
            credential_list:
              - credential_name: bedrock-default
                credential_values: { api_key: bedrock-secret }
                credential_info: { custom_llm_provider: bedrock }
            teams: [{ team_id: team-1, models: [gpt-4o] }]
            keys: [{ key: sk-one, team_id: team-1 }, { key: sk-two }]
            litellm_settings: { drop_params: true }
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await CLI.run(["config", "validate", config.path], environment: ["OPENAI_KEY": "sk-openai-from-env"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("model groups: 2 (3 deployments)"), "\(result.stdout)")
        #expect(result.stdout.contains("credentials:  1"))
        #expect(result.stdout.contains("keys:         2"))
        #expect(result.stdout.contains("teams:        1"))
        #expect(result.stdout.contains("litellm_settings"))
        for secret in ["sk-openai-from-env", "azure-secret", "bedrock-secret", "sk-one", "sk-two"] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        }
    }

    @Test func invalidConfigListsEveryProblemWithItsLocation() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try """
            model_list:
              - model_name: ok
                litellm_params: { model: openai/gpt-4o }
              - model_name: no-model
                litellm_params: { api_key: x }
              - litellm_params: { model: openai/gpt-4o-mini }
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await CLI.run(["config", "validate", config.path], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains("model_list[1]"), "\(result.stderr)")
        #expect(result.stderr.contains("model_list[2]"), "\(result.stderr)")

        let missing = try await CLI.run(["config", "validate", directory.appendingPathComponent("absent.yaml").path], in: directory)
        #expect(missing.status == 2)
    }
}
