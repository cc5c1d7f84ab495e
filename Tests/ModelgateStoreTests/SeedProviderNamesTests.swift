import Foundation
import ModelgateCore
import Testing
@testable import ModelgateStore

/// Issue 16 point 1: the seed scenario with the seed's own data. LiteLLM's UI stores a
/// credential's provider as its enum name (`"Bedrock"`, `"Google_AI_Studio"`); the team's
/// `defaultconfig` names providers as `get_llm_provider` does. Both must mean the same provider,
/// and the bedrock group behind an un-prefixed Bedrock id must get the bedrock credential.
@Suite("Seed scenario with LiteLLM UI provider names")
final class SeedProviderNamesTests {
    static let config = """
        model_list:
          - model_name: claude-3-sonnet
            litellm_params: { model: anthropic.claude-3-sonnet-20240229-v1:0 }
          - model_name: gemini-2.5-pro
            litellm_params: { model: gemini/gemini-2.5-pro }
        general_settings:
          master_key: os.environ/MODELGATE_MASTER_KEY
        """

    let directory: TemporaryDirectory
    let service: PolicyService

    init() throws {
        directory = try TemporaryDirectory()
        let configPath = directory.url.appendingPathComponent("config.yaml").path
        try Self.config.write(toFile: configPath, atomically: true, encoding: .utf8)
        service = try PolicyService(configPath: configPath, databasePath: directory.databasePath, environment: environment(), logger: quietLogger)
    }

    deinit { directory.cleanup() }

    func check(_ method: String, _ path: String, key: String, body: String) -> Decision {
        let request = CheckRequest(
            method: method, rawTarget: path,
            headers: HeaderFields([("authorization", "Bearer \(key)"), ("content-type", "application/json")]),
            body: .complete(Array(body.utf8)))
        return DecisionEngine.decide(request, in: service.holder.snapshot, now: Date())
    }

    @Test("the seed's curl bodies: Bedrock and Google_AI_Studio credentials, defaultconfig by provider")
    func seedBodies() async throws {
        try await setUp(defaultConfig: #"{"gemini": {"litellm_credentials": "gemini-team-1"}, "bedrock": {"litellm_credentials": "bedrock-team-1"}}"#)
    }

    @Test("defaultconfig keyed by the UI's names too")
    func uiNamesAsModelConfigKeys() async throws {
        try await setUp(defaultConfig: #"{"Google_AI_Studio": {"litellm_credentials": "gemini-team-1"}, "BEDROCK": {"litellm_credentials": "bedrock-team-1"}}"#)
    }

    private func setUp(defaultConfig: String) async throws {
        // curl -X POST /credentials, as the seed sent them
        let bedrock = try await service.call("POST", "/credentials", #"""
            {
              "credential_name": "bedrock-team-1",
              "credential_values": {"api_key": "bedrock-team-1-bearer-token"},
              "credential_info": {"custom_llm_provider": "Bedrock"}
            }
            """#)
        #expect(bedrock.status == 200, "\(bedrock.body)")
        let gemini = try await service.call("POST", "/credentials", #"""
            {
              "credential_name": "gemini-team-1",
              "credential_values": {"api_key": "AIza-team-1-gemini"},
              "credential_info": {"custom_llm_provider": "Google_AI_Studio"}
            }
            """#)
        #expect(gemini.status == 200, "\(gemini.body)")
        #expect(try await service.call("POST", "/team/new", #"{"team_id": "team-1"}"#).status == 200)
        let update = try await service.call("PATCH", "/team/update", #"{"team_id": "team-1", "metadata": {"model_config": {"defaultconfig": \#(defaultConfig)}}}"#)
        #expect(update.status == 200, "\(update.body)")
        let generated = try await service.call("POST", "/key/generate", #"{"team_id": "team-1", "key_alias": "team-1-key"}"#)
        let key = try #require(generated["key"]?.stringValue)

        #expect(service.holder.snapshot.credentials["bedrock-team-1"]?.provider == .bedrock)
        #expect(service.holder.snapshot.credentials["gemini-team-1"]?.provider == .gemini)

        // Bedrock's own path, un-prefixed id: the bedrock credential.
        let converse = check("POST", "/bedrock/model/anthropic.claude-3-sonnet-20240229-v1:0/converse", key: key, body: #"{"messages": []}"#)
        #expect(converse.allow, "\(converse.message)")
        #expect(converse.provider == "bedrock")
        #expect(converse.credential?.headerName == "authorization")
        #expect(converse.credential?.headerValue.reveal == "Bearer bedrock-team-1-bearer-token")

        // The group by name on an OpenAI-shaped route: the same deployment, the same credential.
        let chat = check("POST", "/v1/chat/completions", key: key, body: #"{"model": "claude-3-sonnet", "messages": []}"#)
        #expect(chat.allow, "\(chat.message)")
        #expect(chat.credential?.headerValue.reveal == "Bearer bedrock-team-1-bearer-token")

        // Google AI Studio: the gemini credential, under x-goog-api-key.
        let generate = check("POST", "/v1beta/models/gemini-2.5-pro:generateContent", key: key, body: #"{"contents": []}"#)
        #expect(generate.allow, "\(generate.message)")
        #expect(generate.provider == "gemini")
        #expect(generate.credential?.headerName == "x-goog-api-key")
        #expect(generate.credential?.headerValue.reveal == "AIza-team-1-gemini")
    }
}
