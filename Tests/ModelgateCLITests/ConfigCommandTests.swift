import Foundation
import Testing

/// `modelgate config models`: how each deployment is read (validate: ConfigValidateTests).
@Suite struct ConfigModelsTests {
    private static let config = """
        model_list:
          - model_name: gpt-4o
            litellm_params: { model: openai/gpt-4o, api_key: sk-provider-secret }
          - model_name: claude
            litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-6 }
        """

    @Test func printsOneTabSeparatedLinePerDeployment() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.yaml")
        try Self.config.write(to: file, atomically: true, encoding: .utf8)
        let result = try await CLI.run(["config", "models", file.path], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines == [
            ["gpt-4o", "openai", "gpt-4o", "prefix"],
            ["claude", "bedrock", "us.anthropic.claude-sonnet-4-6", "prefix"],
        ])
        #expect(!result.stdout.contains("sk-provider-secret") && !result.stderr.contains("sk-provider-secret"))
    }

    @Test func jsonPrintsOneObjectPerLine() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.yaml")
        try Self.config.write(to: file, atomically: true, encoding: .utf8)
        let result = try await CLI.run(["config", "models", "--json", file.path], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        }
        #expect(objects.count == 2)
        #expect(objects.first == [
            "model_name": "gpt-4o", "litellm_model": "openai/gpt-4o", "provider": "openai", "model_id": "gpt-4o", "placement": "prefix",
        ])
    }

    @Test func anUnreadableOrInvalidFileExits2() async throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try await CLI.run(["config", "models", directory.appendingPathComponent("absent.yaml").path], in: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read"), "\(missing.stderr)")
        let file = directory.appendingPathComponent("bad.yaml")
        try "model_list:\n  - model_name: x\n    litellm_params: { api_key: y }\n".write(to: file, atomically: true, encoding: .utf8)
        let invalid = try await CLI.run(["config", "models", file.path], in: directory)
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("model_list[0]"), "\(invalid.stderr)")
        #expect(invalid.stdout.isEmpty)
    }
}
