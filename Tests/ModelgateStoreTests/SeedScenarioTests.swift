import Foundation
import Logging
import ModelgateCore
import Testing
@testable import ModelgateStore

/// The set-up users run against LiteLLM with curl, replayed through the admin API.
@Suite("Seed scenario")
struct SeedScenarioTests {
    @Test("two credentials, a team model_config naming them, a team key")
    func seedScenario() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let service = try PolicyService(configPath: nil, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)

        // curl -X POST /credentials (twice)
        let gemini = try await service.call("POST", "/credentials", #"""
            {
              "credential_name": "gemini-team-1",
              "credential_values": {"api_key": "AIza-team-1-gemini"},
              "credential_info": {"custom_llm_provider": "gemini"}
            }
            """#)
        #expect(gemini.status == 200, "\(gemini.body)")
        let bedrock = try await service.call("POST", "/credentials", #"""
            {
              "credential_name": "bedrock-team-1",
              "credential_values": {"api_key": "bedrock-team-1-bearer-token"},
              "credential_info": {"custom_llm_provider": "bedrock"}
            }
            """#)
        #expect(bedrock.status == 200, "\(bedrock.body)")

        // The team exists (LiteLLM users create it with /team/new first).
        #expect(try await service.call("POST", "/team/new", #"{"team_id": "team-1", "team_alias": "team one"}"#).status == 200)

        // curl -X PATCH /team/update with model_config.defaultconfig naming gemini then bedrock
        let update = try await service.call("PATCH", "/team/update", #"""
            {
              "team_id": "team-1",
              "metadata": {
                "model_config": {
                  "defaultconfig": {
                    "gemini": {"litellm_credentials": "gemini-team-1"},
                    "bedrock": {"litellm_credentials": "bedrock-team-1"}
                  }
                }
              }
            }
            """#)
        #expect(update.status == 200, "\(update.body)")

        // curl -X POST /key/generate for that team
        let generated = try await service.call("POST", "/key/generate", #"{"team_id": "team-1", "key_alias": "team-1-key"}"#)
        #expect(generated.status == 200, "\(generated.body)")
        let rawKey = try #require(generated["key"]?.stringValue)

        let snapshot = service.holder.snapshot
        let team = try #require(snapshot.teams["team-1"])
        #expect(team.modelConfig == ModelConfig(defaultConfig: ["gemini": "gemini-team-1", "bedrock": "bedrock-team-1"]))
        #expect(snapshot.keys[KeyHash(hashing: rawKey)]?.teamID == "team-1")
        let bedrockCredential = try #require(snapshot.credentials["bedrock-team-1"])
        #expect(bedrockCredential.provider == .bedrock)
        #expect(bedrockCredential.apiKey?.reveal == "bedrock-team-1-bearer-token")
        #expect(snapshot.credentials["gemini-team-1"]?.apiKey?.reveal == "AIza-team-1-gemini")

        // model_config given top-level (LiteLLM accepts it there too) lands in the same place.
        let topLevel = try await service.call("POST", "/team/update", #"{"team_id": "team-1", "model_config": {"claude-opus-4-7": {"bedrock": {"litellm_credentials": "bedrock-team-1"}}}}"#)
        #expect(topLevel.status == 200)
        #expect(topLevel["data"]?["metadata"]?["model_config"]?["claude-opus-4-7"] != nil)
        #expect(service.holder.snapshot.teams["team-1"]?.modelConfig.perGroup == ["claude-opus-4-7": ["bedrock": "bedrock-team-1"]])
    }
}
