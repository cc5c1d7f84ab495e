import Foundation
import ModelgateConfig
import ModelgateCore
import Testing

@testable import ModelgateLiteLLM

@Suite struct LiteLLMPolicyMapperTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let token = KeyHash(hashing: "sk-alpha").hex

    /// A stored value LiteLLM's helper wrote (cipher-vectors.json), by format and plaintext.
    static func stored(_ format: String, _ plaintext: String) -> (stored: String, salt: String) {
        let vector = LiteLLMCipherTests.vectors.vectors.first { $0.format == format && $0.plaintext == plaintext }!
        return (vector.stored, vector.salt_key)
    }

    static func mapper(salt: String?) -> LiteLLMPolicyMapper {
        LiteLLMPolicyMapper(cipher: salt.map { LiteLLMCipher(saltKey: LiteLLMSaltKey($0, origin: .saltKey)) }, environment: [:])
    }

    @Test func keyColumnsAsLiteLLMMeansThem() throws {
        let mapper = Self.mapper(salt: nil)
        let row = LiteLLMKeyRow(
            token: Self.token.uppercased(), keyAlias: "alpha", models: ["gpt-4o-mini"], teamID: "t", userID: "u",
            expires: Self.now, metadata: #"{"tags":["prod"],"model_config":{"defaultconfig":{"bedrock":{"litellm_credentials":"c1"}}},"other":1}"#)
        let key = try mapper.key(row).get()
        #expect(key.hash == KeyHash(hashing: "sk-alpha"))
        #expect(key.blocked == false)
        #expect(key.models == ["gpt-4o-mini"])
        #expect(key.tags == ["prod"])
        #expect(key.modelConfig.defaultConfig == ["bedrock": "c1"])
        #expect(key.expires == Self.now)
        #expect(try mapper.key(LiteLLMKeyRow(token: Self.token, blocked: true)).get().blocked)
    }

    @Test func keyModelsLiteLLMSkips() {
        #expect(LiteLLMPolicyMapper.keyModels(LiteLLMKeyRow(token: "", models: ["all-team-models", "gpt-4o"])) == [])
        #expect(LiteLLMPolicyMapper.keyModels(LiteLLMKeyRow(token: "", models: ["gpt-4o"], config: #"{"max_tokens":1}"#)) == [])
        #expect(LiteLLMPolicyMapper.keyModels(LiteLLMKeyRow(token: "", models: ["gpt-4o"], config: "{}")) == ["gpt-4o"])
    }

    @Test func damagedKeyRowsAreRefusedNamingTheRowOnly() {
        let mapper = Self.mapper(salt: nil)
        for row in [
            LiteLLMKeyRow(token: "not-a-hash", keyAlias: "bad"),
            LiteLLMKeyRow(token: Self.token, keyAlias: "bad", metadata: #"{"tags":"prod"}"#),
            LiteLLMKeyRow(token: Self.token, keyAlias: "bad", metadata: #"{"model_config":{"defaultconfig":{"openai":"c"}}}"#),
            LiteLLMKeyRow(token: Self.token, keyAlias: "bad", metadata: "[1]"),
        ] {
            switch mapper.key(row) {
            case .success: Issue.record("a damaged row was accepted")
            case .failure(let problem):
                #expect(problem.description.contains("key 'bad'"))
                #expect(!problem.description.contains(Self.token))
            }
        }
    }

    @Test func rotatedKeyHasTheActiveKeysRightsUntilRevokeAt() throws {
        let mapper = Self.mapper(salt: nil)
        let active = KeyHash(hashing: "sk-new")
        let old = KeyHash(hashing: "sk-old")
        let (parts, problems) = mapper.parts(LiteLLMContents(
            keys: [LiteLLMKeyRow(token: active.hex, keyAlias: "k", models: ["gpt-4o"], teamID: "t")],
            deprecatedKeys: [
                LiteLLMDeprecatedKeyRow(token: old.hex, activeToken: active.hex, revokeAt: Self.now),
                LiteLLMDeprecatedKeyRow(token: KeyHash(hashing: "sk-orphan").hex, activeToken: KeyHash(hashing: "sk-gone").hex, revokeAt: Self.now),
            ]))
        #expect(problems.isEmpty)
        #expect(parts.keys.count == 2)
        let rotated = try #require(parts.keys.first { $0.hash == old })
        #expect(rotated.models == ["gpt-4o"] && rotated.teamID == "t" && rotated.alias == "k")
        #expect(rotated.expires == Self.now)
    }

    @Test func teamMetadataAndUsers() throws {
        let mapper = Self.mapper(salt: nil)
        let team = try mapper.team(LiteLLMTeamRow(teamID: "t", teamAlias: "T", models: ["frontier"], blocked: true, metadata: #"{"tags":["a"]}"#)).get()
        #expect(team.models == ["frontier"] && team.blocked && team.tags == ["a"] && team.alias == "T")
        if case .success = mapper.team(LiteLLMTeamRow(teamID: "t", metadata: #"{"tags":[1]}"#)) { Issue.record("bad team metadata accepted") }
        #expect(mapper.user(LiteLLMUserRow(userID: "u", models: ["x"])).models == ["x"])
    }

    @Test func dbModelOpensAndReadsAsTheConfigReadsIt() throws {
        let model = Self.stored("nacl-urlsafe", "bedrock/global.anthropic.claude-opus-4-7")
        let apiKey = Self.stored("v2-gcm", "sk-provider-secret-ABC123")
        #expect(model.salt == apiKey.salt)
        let mapper = Self.mapper(salt: model.salt)
        let row = LiteLLMModelRow(
            modelID: "m1", modelName: "opus", litellmParams: #"{"model":"\#(model.stored)","api_key":"\#(apiKey.stored)","rpm":5}"#,
            modelInfo: #"{"id":"m1","access_groups":["frontier"]}"#)
        let (deployments, problem) = mapper.deployment(row)
        #expect(problem == nil)
        let deployment = try #require(deployments.first)
        #expect(deployment.groupName == "opus")
        #expect(deployment.provider == .bedrock)
        #expect(deployment.modelID == "global.anthropic.claude-opus-4-7")
        #expect(deployment.apiKey?.reveal == "sk-provider-secret-ABC123")
        #expect(deployment.accessGroups == ["frontier"])
    }

    @Test func dbModelThatDoesNotOpenIsUnavailableAndTheProblemQuotesNoValue() throws {
        let model = Self.stored("nacl-urlsafe", "bedrock/global.anthropic.claude-opus-4-7")
        let apiKey = Self.stored("v3-gcm", "sk-provider-secret-ABC123")
        // The model opens, the api_key was altered after LiteLLM wrote it.
        let otherKey = LiteLLMCipherTests.vectors.failures.first { $0.case == "v3-gcm with one bit flipped" }!.stored
        let mapper = Self.mapper(salt: model.salt)
        let (deployments, problem) = mapper.deployment(LiteLLMModelRow(
            modelID: "m2", modelName: "opus", litellmParams: #"{"model":"\#(model.stored)","api_key":"\#(otherKey)"}"#))
        let deployment = try #require(deployments.first)
        #expect(deployment.provider == .bedrock && deployment.apiKey == nil && deployment.unresolvedAPIKey != nil)
        let text = try #require(problem).description
        #expect(text.contains("model_id 'm2'") && text.contains("api_key"))
        #expect(!text.contains(otherKey) && !text.contains(apiKey.stored) && !text.contains(model.salt))

        // No salt key at all: the whole row is a placeholder that answers credential_unavailable.
        let (placeholder, missing) = Self.mapper(salt: nil).deployment(LiteLLMModelRow(
            modelID: "m3", modelName: "opus", litellmParams: #"{"model":"\#(model.stored)"}"#))
        #expect(placeholder.first?.groupName == "opus" && placeholder.first?.unresolvedAPIKey != nil)
        #expect(missing?.description.contains("LITELLM_SALT_KEY") == true)
    }

    @Test func unavailableDeploymentDeniesCredentialUnavailable() throws {
        let snapshot = PolicySnapshot(parts: LiteLLMPolicyMapper.merge(
            config: PolicyParts(),
            database: Self.mapper(salt: nil).parts(LiteLLMContents(
                keys: [LiteLLMKeyRow(token: Self.token, keyAlias: "a")],
                models: [LiteLLMModelRow(modelID: "m3", modelName: "opus", litellmParams: #"{"model":"AAAA"}"#)])).parts))
        let decision = DecisionEngine.decide(
            CheckRequest(method: "POST", rawTarget: "/v1/chat/completions",
                         headers: HeaderFields([("authorization", "Bearer sk-alpha"), ("content-type", "application/json")]),
                         body: .complete(Array(#"{"model":"opus"}"#.utf8))),
            in: snapshot, now: Self.now)
        #expect(decision.reason == .credentialUnavailable)
    }

    @Test func blockedDBModelsAreNotServed() {
        let model = Self.stored("nacl-urlsafe", "bedrock/global.anthropic.claude-opus-4-7")
        let (parts, _) = Self.mapper(salt: model.salt).parts(LiteLLMContents(models: [
            LiteLLMModelRow(modelID: "m", modelName: "opus", litellmParams: #"{"model":"\#(model.stored)"}"#, blocked: true)
        ]))
        #expect(parts.deployments.isEmpty)
    }

    @Test func dbCredentialOpensOrIsUnavailable() throws {
        let secret = Self.stored("nacl-standard", "sk-provider-secret-ABC123")
        let mapper = Self.mapper(salt: secret.salt)
        let (good, noProblem) = mapper.credential(LiteLLMCredentialRow(
            credentialName: "c1", credentialValues: #"{"api_key":"\#(secret.stored)"}"#, credentialInfo: #"{"custom_llm_provider":"bedrock"}"#))
        #expect(noProblem == nil)
        #expect(good.first?.apiKey?.reveal == "sk-provider-secret-ABC123")
        #expect(good.first?.provider == .bedrock)
        let (bad, problem) = Self.mapper(salt: "sk-other").credential(LiteLLMCredentialRow(
            credentialName: "c1", credentialValues: #"{"api_key":"\#(secret.stored)"}"#))
        #expect(bad.first?.apiKey == nil && bad.first?.unavailableReason != nil)
        #expect(problem?.description.contains("credential 'c1'") == true)
        #expect(problem?.description.contains(secret.stored) == false)
    }

    @Test func mergeKeepsConfigDeploymentsFirstAndDatabaseCredentialsWin() throws {
        let config = try GatewayConfig.parse(yaml: """
            model_list:
              - model_name: opus
                litellm_params: { model: bedrock/global.anthropic.claude-opus-4-7 }
            credential_list:
              - credential_name: c1
                credential_values: { api_key: from-config }
            """, environment: [:])
        let database = PolicyParts(
            deployments: [Deployment(groupName: "opus", provider: .bedrock, modelID: "x", litellmModel: "bedrock/x")],
            credentials: [Credential(name: "c1", apiKey: Secret("from-db"))])
        let merged = LiteLLMPolicyMapper.merge(config: config.parts, database: database)
        #expect(merged.deployments.map(\.modelID) == ["global.anthropic.claude-opus-4-7", "x"])
        #expect(merged.credentials.first { $0.name == "c1" }?.apiKey?.reveal == "from-db")
        #expect(merged.settings.userModelsApplyToTeamKeys == false)
    }
}
