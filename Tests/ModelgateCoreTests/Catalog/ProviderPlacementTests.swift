@testable import ModelgateCore
import Testing

/// Provider names and placement in the catalog: an un-prefixed registry name is reachable on its
/// provider's routes; a UI-spelled credential provider matches the deployment's provider.
@Suite("Provider placement in the catalog")
struct ProviderPlacementTests {
    @Test func unprefixedBedrockIDResolvesOnBedrockRoutes() {
        let (provider, id) = LiteLLMModelName.parse("anthropic.claude-3-sonnet-20240229-v1:0")
        let catalog = ModelCatalog(deployments: [
            Deployment(groupName: "sonnet-old", provider: provider, modelID: id, litellmModel: "anthropic.claude-3-sonnet-20240229-v1:0"),
        ])
        #expect(catalog.resolve("anthropic.claude-3-sonnet-20240229-v1:0", provider: .bedrock).map(\.group) == ["sonnet-old"])
        #expect(catalog.resolve("anthropic.claude-3-sonnet-20240229-v1:0", provider: .openai).isEmpty)
    }

    @Test func uiSpelledCredentialMatchesTheDeployment() throws {
        let deployment = Deployment(groupName: "nova", provider: .bedrock, modelID: "us.amazon.nova-lite-v1:0", litellmModel: "bedrock/us.amazon.nova-lite-v1:0")
        let team = Team(id: "t", modelConfig: ModelConfig(defaultConfig: [Provider.canonicalName("Bedrock"): "b"]))
        let credentials = ["b": Credential(name: "b", provider: Provider("Bedrock"), apiKey: Secret("bedrock-secret"))]
        let result = CredentialResolver.resolve(group: "nova", deployment: deployment, key: nil, team: team, credentials: credentials)
        let injected = try #require(try result.get())
        #expect(injected.headerName == "authorization")
        #expect(injected.headerValue.reveal == "Bearer bedrock-secret")
    }

    @Test func generatedRegistryIsLoaded() {
        #expect(LiteLLMModelName.registryVersion == "1.110.2")
        #expect(Provider.isKnownPrefix("hosted_vllm"))
        #expect(!Provider.isKnownPrefix("Bedrock"))  // prefixes are exact, as in get_llm_provider
    }
}
