import Foundation
import ModelgateConfig
import Testing
@testable import ModelgateStore

@Suite("Config file")
struct ConfigFileTests {
    static let config = """
        model_list:
          - model_name: gpt-4o-mini
            litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY }
        litellm_settings: { drop_params: true }
        """

    @Test func noFileIsAnEmptyConfigSaidOnceAtStart() throws {
        let logs = CapturedLogs()
        let file = ConfigFile(path: nil, environment: [:], logger: logs.logger())
        #expect(try file.starting().parts.deployments.isEmpty)
        #expect(try file.load().parts.deployments.isEmpty)
        #expect(logs.all.count == 1 && logs.text.contains("no config file"))
    }

    @Test func theFileIsReadAgainOnEachLoadWithItsIgnoredSectionsLogged() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let path = directory.url.appendingPathComponent("config.yaml").path
        try Self.config.write(toFile: path, atomically: true, encoding: .utf8)
        let logs = CapturedLogs()
        let file = ConfigFile(path: path, environment: ["OPENAI_API_KEY": "sk-from-env"], logger: logs.logger())
        #expect(try file.starting().parts.deployments.map(\.groupName) == ["gpt-4o-mini"])
        #expect(logs.text.contains("section=litellm_settings"))

        try (Self.config + "\n  - model_name: gpt-4o\n    litellm_params: { model: openai/gpt-4o }\n")
            .replacingOccurrences(of: "litellm_settings: { drop_params: true }\n", with: "")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try file.load().parts.deployments.map(\.groupName) == ["gpt-4o-mini", "gpt-4o"])
        #expect(!logs.text.contains("sk-from-env"))
    }

    @Test func aMissingFileNamesThePathAndABadOneItsProblems() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let missing = directory.url.appendingPathComponent("absent.yaml").path
        let error = #expect(throws: PolicyServiceError.self) {
            try ConfigFile(path: missing, environment: [:], logger: CapturedLogs().logger()).load()
        }
        #expect(error?.description.contains(missing) == true)

        let bad = directory.url.appendingPathComponent("bad.yaml").path
        try "model_list: [{model_name: x, litellm_params: {model: 'nope'}}]\nmodel_list: []\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) {
            try ConfigFile(path: bad, environment: [:], logger: CapturedLogs().logger()).load()
        }
    }
}
