import Foundation
import ModelgateCore
import Testing
@testable import ModelgateStore

/// Admin writes decided by the real engine against the service's snapshot: what the fronts do
/// on every check, without the wire.
@Suite("Admin writes decide the next check")
final class EngineIntegrationTests {
    static let config = """
        model_list:
          - model_name: gemini-2.5-pro
            litellm_params: { model: gemini/gemini-2.5-pro }
          - model_name: claude-sonnet-4.6
            litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-6 }
          - model_name: gpt-4o-mini
            litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_KEY }
        general_settings:
          master_key: os.environ/MODELGATE_MASTER_KEY
        litellm_settings:
          drop_params: true
        """

    let directory: TemporaryDirectory
    let service: PolicyService

    init() throws {
        directory = try TemporaryDirectory()
        let configPath = directory.url.appendingPathComponent("config.yaml").path
        try Self.config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var environment = environment()
        environment["OPENAI_KEY"] = "sk-openai-deployment-key"
        service = try PolicyService(configPath: configPath, databasePath: directory.databasePath, environment: environment, logger: quietLogger)
    }

    deinit { directory.cleanup() }

    func check(_ model: String, key: String) -> Decision {
        let request = CheckRequest(
            method: "POST", rawTarget: "/v1/chat/completions",
            headers: HeaderFields([("authorization", "Bearer \(key)"), ("content-type", "application/json")]),
            body: .complete(Array(#"{"model": "\#(model)", "messages": []}"#.utf8)))
        return DecisionEngine.decide(request, in: service.holder.snapshot, now: Date())
    }

    @Test("the seed scenario injects the bedrock credential for an unprefixed bedrock-backed group")
    func seedScenarioDecision() async throws {
        #expect(service.holder.snapshot.catalog.deployments.count == 3)
        #expect(try await service.call("POST", "/credentials", #"{"credential_name": "gemini-team-1", "credential_values": {"api_key": "AIza-team-1-gemini"}, "credential_info": {"custom_llm_provider": "gemini"}}"#).status == 200)
        #expect(try await service.call("POST", "/credentials", #"{"credential_name": "bedrock-team-1", "credential_values": {"api_key": "bedrock-team-1-bearer-token"}, "credential_info": {"custom_llm_provider": "bedrock"}}"#).status == 200)
        #expect(try await service.call("POST", "/team/new", #"{"team_id": "team-1"}"#).status == 200)
        #expect(try await service.call("PATCH", "/team/update", #"{"team_id": "team-1", "metadata": {"model_config": {"defaultconfig": {"gemini": {"litellm_credentials": "gemini-team-1"}, "bedrock": {"litellm_credentials": "bedrock-team-1"}}}}}"#).status == 200)
        let generated = try await service.call("POST", "/key/generate", #"{"team_id": "team-1"}"#)
        let key = try #require(generated["key"]?.stringValue)

        let bedrock = check("claude-sonnet-4.6", key: key)
        #expect(bedrock.allow, "\(bedrock.message)")
        #expect(bedrock.provider == "bedrock")
        #expect(bedrock.teamID == "team-1")
        #expect(bedrock.credential?.headerName == "authorization")
        #expect(bedrock.credential?.headerValue.reveal == "Bearer bedrock-team-1-bearer-token")

        let gemini = check("gemini-2.5-pro", key: key)
        #expect(gemini.allow)
        #expect(gemini.credential?.headerName == "x-goog-api-key")
        #expect(gemini.credential?.headerValue.reveal == "AIza-team-1-gemini")

        // The deployment's own api_key (os.environ/) still serves groups the team config skips.
        #expect(check("gpt-4o-mini", key: key).credential?.headerValue.reveal == "Bearer sk-openai-deployment-key")

        // Deleting the credential the team names makes the very next check deny.
        #expect(try await service.call("DELETE", "/credentials/bedrock-team-1").status == 200)
        #expect(check("claude-sonnet-4.6", key: key).reason == .credentialUnavailable)
    }

    @Test("generate, update, block, unblock, team block and delete each decide the next check")
    func nextCheckSeesEachWrite() async throws {
        let generated = try await service.call("POST", "/key/generate", #"{"models": ["gpt-4o-mini"]}"#)
        let key = try #require(generated["key"]?.stringValue)
        #expect(check("gpt-4o-mini", key: key).allow)
        #expect(check("claude-sonnet-4.6", key: key).reason == .keyModelAccessDenied)

        _ = try await service.call("POST", "/key/update", #"{"key": "\#(key)", "models": ["claude-sonnet-4.6"]}"#)
        #expect(check("gpt-4o-mini", key: key).reason == .keyModelAccessDenied)
        #expect(check("claude-sonnet-4.6", key: key).allow)

        _ = try await service.call("POST", "/key/block", #"{"key": "\#(key)"}"#)
        #expect(check("claude-sonnet-4.6", key: key).reason == .keyBlocked)
        _ = try await service.call("POST", "/key/unblock", #"{"key": "\#(key)"}"#)
        #expect(check("claude-sonnet-4.6", key: key).allow)

        _ = try await service.call("POST", "/team/new", #"{"team_id": "t", "models": ["gemini-2.5-pro"]}"#)
        _ = try await service.call("POST", "/key/update", #"{"key": "\#(key)", "team_id": "t"}"#)
        #expect(check("claude-sonnet-4.6", key: key).reason == .teamModelAccessDenied)
        _ = try await service.call("POST", "/team/update", #"{"team_id": "t", "blocked": true}"#)
        #expect(check("claude-sonnet-4.6", key: key).reason == .keyBlocked)

        _ = try await service.call("POST", "/key/delete", #"{"keys": ["\#(key)"]}"#)
        #expect(check("claude-sonnet-4.6", key: key).reason == .invalidKey)

        let expired = try await service.call("POST", "/key/generate", #"{"expires": "2020-01-01T00:00:00Z"}"#)
        #expect(check("gpt-4o-mini", key: try #require(expired["key"]?.stringValue)).reason == .keyExpired)
    }

    @Test("the config's master key guards the admin API, and ignored sections still load")
    func configMasterKey() async throws {
        // MODELGATE_MASTER_KEY is also what the config's os.environ/ reference resolves to.
        #expect(try await service.call("GET", "/credentials").status == 200)
        #expect(try await service.call("GET", "/credentials", authorization: "Bearer other").status == 401)
    }

    @Test("SIGHUP with a broken config keeps the old policy in force")
    func brokenReloadKeepsOldPolicy() async throws {
        let generated = try await service.call("POST", "/key/generate", "{}")
        let key = try #require(generated["key"]?.stringValue)
        let before = service.holder.snapshot
        let configPath = directory.url.appendingPathComponent("config.yaml").path
        try "model_list: [ { model_name: x, litellm_params: { model: 42 } } ]\nkeys: nope\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try self.service.reloadConfig() }
        #expect(service.holder.snapshot === before)
        #expect(check("gpt-4o-mini", key: key).allow)

        try Self.config.replacingOccurrences(of: "gpt-4o-mini", with: "gpt-5-mini").write(toFile: configPath, atomically: true, encoding: .utf8)
        try service.reloadConfig()
        #expect(check("gpt-4o-mini", key: key).reason == .modelNotFound)
        #expect(service.holder.snapshot.keys[KeyHash(hashing: key)] != nil)
    }
}
