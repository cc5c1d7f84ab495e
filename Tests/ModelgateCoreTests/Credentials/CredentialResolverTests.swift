@testable import ModelgateCore
import Testing

/// The credential order of CONTRACT §6, by the provider of the chosen deployment.
@Suite("Credential resolver")
struct CredentialResolverTests {
    static let bedrock = Deployment(
        groupName: "claude", provider: .bedrock, modelID: "us.anthropic.claude-sonnet-4-6",
        litellmModel: "bedrock/us.anthropic.claude-sonnet-4-6", apiKey: Secret("deployment-key"),
        credentialName: "deployment-named")

    static let credentials: [String: Credential] = Dictionary(uniqueKeysWithValues: [
        Credential(name: "deployment-named", provider: .bedrock, apiKey: Secret("deployment-named-value")),
        Credential(name: "key-group", provider: .bedrock, apiKey: Secret("key-group-value")),
        Credential(name: "key-default", provider: .bedrock, apiKey: Secret("key-default-value")),
        Credential(name: "team-group", provider: .bedrock, apiKey: Secret("team-group-value")),
        Credential(name: "team-default", provider: .bedrock, apiKey: Secret("team-default-value")),
        Credential(name: "gemini-only", provider: .gemini, apiKey: Secret("gemini-value")),
        Credential(name: "no-provider", apiKey: Secret("any-provider-value")),
        Credential(name: "undecryptable", provider: .bedrock, unavailableReason: "cannot decrypt"),
    ].map { ($0.name, $0) })

    static func key(_ config: ModelConfig) -> VirtualKey {
        VirtualKey(hash: KeyHash(hashing: "sk-resolver"), modelConfig: config)
    }

    static func team(_ config: ModelConfig) -> Team { Team(id: "team-1", modelConfig: config) }

    static func value(
        key: VirtualKey? = nil, team: Team? = nil, deployment: Deployment = bedrock, group: String = "claude"
    ) throws -> String? {
        let result = CredentialResolver.resolve(group: group, deployment: deployment, key: key, team: team, credentials: credentials)
        return try result.get()?.headerValue.reveal
    }

    static func failure(key: VirtualKey? = nil, team: Team? = nil, deployment: Deployment = bedrock) -> String? {
        let result = CredentialResolver.resolve(group: "claude", deployment: deployment, key: key, team: team, credentials: credentials)
        if case .failure(let unavailable) = result { return unavailable.message }
        return nil
    }

    @Test func eachLevelWinsOverTheOnesAfterIt() throws {
        let keyBoth = ModelConfig(defaultConfig: ["bedrock": "key-default"], perGroup: ["claude": ["bedrock": "key-group"]])
        let teamBoth = ModelConfig(defaultConfig: ["bedrock": "team-default"], perGroup: ["claude": ["bedrock": "team-group"]])
        #expect(try Self.value(key: Self.key(keyBoth), team: Self.team(teamBoth)) == "Bearer key-group-value")
        #expect(try Self.value(key: Self.key(ModelConfig(defaultConfig: ["bedrock": "key-default"])), team: Self.team(teamBoth))
            == "Bearer key-default-value")
        #expect(try Self.value(key: Self.key(.none), team: Self.team(teamBoth)) == "Bearer team-group-value")
        #expect(try Self.value(key: Self.key(.none), team: Self.team(ModelConfig(defaultConfig: ["bedrock": "team-default"])))
            == "Bearer team-default-value")
        #expect(try Self.value(key: Self.key(.none), team: Self.team(.none)) == "Bearer deployment-named-value")
        let keyOnly = Deployment(groupName: "claude", provider: .bedrock, modelID: "m", litellmModel: "bedrock/m", apiKey: Secret("deployment-key"))
        #expect(try Self.value(deployment: keyOnly) == "Bearer deployment-key")
        let nothing = Deployment(groupName: "claude", provider: .bedrock, modelID: "m", litellmModel: "bedrock/m")
        #expect(try Self.value(deployment: nothing) == nil)
    }

    @Test func aPerGroupEntryForAnotherGroupDoesNotApply() throws {
        let config = ModelConfig(perGroup: ["other-group": ["bedrock": "key-group"]])
        #expect(try Self.value(key: Self.key(config)) == "Bearer deployment-named-value")
    }

    @Test func aLevelWithoutTheProviderFallsThroughNeverBorrowing() throws {
        // The key names only a gemini credential: the bedrock deployment falls through to the team.
        let key = Self.key(ModelConfig(defaultConfig: ["gemini": "gemini-only"]))
        let team = Self.team(ModelConfig(defaultConfig: ["bedrock": "team-default"]))
        #expect(try Self.value(key: key, team: team) == "Bearer team-default-value")
    }

    @Test func aCredentialOfAnotherProviderIsUnavailable() {
        let key = Self.key(ModelConfig(defaultConfig: ["bedrock": "gemini-only"]))
        let message = Self.failure(key: key)
        #expect(message?.contains("gemini-only") == true)
        #expect(message?.contains("gemini-value") == false)
    }

    @Test func aCredentialWithoutAProviderServesAny() throws {
        #expect(try Self.value(key: Self.key(ModelConfig(defaultConfig: ["bedrock": "no-provider"]))) == "Bearer any-provider-value")
    }

    @Test func undefinedUndecryptableAndUnsetAreUnavailable() {
        #expect(Self.failure(key: Self.key(ModelConfig(defaultConfig: ["bedrock": "missing"])))?.contains("not defined") == true)
        #expect(Self.failure(key: Self.key(ModelConfig(defaultConfig: ["bedrock": "undecryptable"])))?.contains("cannot decrypt") == true)
        let unset = Deployment(groupName: "claude", provider: .bedrock, modelID: "m", litellmModel: "bedrock/m", unresolvedAPIKey: "BEDROCK_KEY")
        #expect(Self.failure(deployment: unset)?.contains("BEDROCK_KEY") == true)
    }

    @Test(arguments: [
        (Provider.openai, "authorization", "Bearer s"),
        (.vertexAI, "authorization", "Bearer s"),
        (.bedrock, "authorization", "Bearer s"),
        (.azure, "api-key", "s"),
        (.anthropic, "x-api-key", "s"),
        (.gemini, "x-goog-api-key", "s"),
        (Provider("groq"), "authorization", "Bearer s"),
    ])
    func eachProviderGetsItsHeader(provider: Provider, header: String, value: String) throws {
        let deployment = Deployment(groupName: "g", provider: provider, modelID: "m", litellmModel: "x/m", apiKey: Secret("s"))
        let injected = try #require(try CredentialResolver.resolve(group: "g", deployment: deployment, key: nil, team: nil, credentials: [:]).get())
        #expect(injected.headerName == header)
        #expect(injected.headerValue.reveal == value)
        #expect("\(injected.headerValue)" == "***")
    }
}
