@testable import ModelgateCore
import Testing

@Suite("Model catalog and wildcards")
struct CatalogTests {
    private func deployment(_ group: String, _ model: String, accessGroups: [String] = [], tags: [String] = []) -> Deployment {
        let (provider, id) = LiteLLMModelName.parse(model)
        return Deployment(groupName: group, provider: provider, modelID: id, litellmModel: model, tags: tags, accessGroups: accessGroups)
    }

    @Test func parsesLiteLLMModelNames() {
        #expect(LiteLLMModelName.parse("bedrock/converse/anthropic.x-v2:0") == (.bedrock, "anthropic.x-v2:0"))
        #expect(LiteLLMModelName.parse("bedrock/invoke/arn:aws:bedrock:us-east-1::foundation-model/x") == (.bedrock, "arn:aws:bedrock:us-east-1::foundation-model/x"))
        #expect(LiteLLMModelName.parse("gpt-4o") == (.openai, "gpt-4o"))
        #expect(LiteLLMModelName.parse("meta-llama/Llama-3") == (.openai, "meta-llama/Llama-3"))
        #expect(LiteLLMModelName.parse("vertex_ai/anthropic/claude") == (.vertexAI, "anthropic/claude"))
    }

    @Test func globIsNotARegex() {
        #expect(WildcardPattern("gpt-4o-*").matches("gpt-4o-mini"))
        #expect(!WildcardPattern("gpt-4o-*").matches("gpt-4o"))
        #expect(!WildcardPattern("gpt.4o*").matches("gpt-4o"))
        #expect(WildcardPattern("gpt.4o*").matches("gpt.4o-mini"))
        #expect(WildcardPattern("*").matches(""))
        #expect(WildcardPattern("a*b*c").matches("aXXbYYc"))
        #expect(!WildcardPattern("a*b*c").matches("aXXbYY"))
        #expect(!WildcardPattern("[a-z]*").matches("abc"))
    }

    @Test func providerRoutesLookUpTheirOwnDeploymentsThenGroupNames() {
        let catalog = ModelCatalog(deployments: [
            deployment("opus", "bedrock/global.anthropic.claude-opus-4-7"),
            deployment("gpt-4o", "openai/gpt-4o"),
            deployment("also-opus", "bedrock/global.anthropic.claude-opus-4-7"),
        ])
        #expect(catalog.resolve("global.anthropic.claude-opus-4-7", provider: .bedrock).map(\.group) == ["opus", "also-opus"])
        #expect(catalog.resolve("opus", provider: .bedrock).map(\.group) == ["opus"])
        #expect(catalog.resolve("gpt-4o", provider: .bedrock).isEmpty)
        #expect(catalog.resolve("gpt-4o", provider: nil).map(\.group) == ["gpt-4o"])
        #expect(catalog.resolve("openai/gpt-4o", provider: nil).map(\.group) == ["gpt-4o"])
    }

    @Test func providerWildcardServesEveryIDOfItsProvider() {
        let catalog = ModelCatalog(deployments: [deployment("openai/*", "openai/*"), deployment("claude", "anthropic/claude-x")])
        let match = catalog.resolve("openai/gpt-5", provider: nil)
        #expect(match.map(\.group) == ["openai/*"])
        #expect(match.first?.concreteID == "gpt-5")
        #expect(catalog.resolve("anthropic/claude-y", provider: nil).isEmpty)
    }

    @Test func allowlistEntries() {
        let catalog = ModelCatalog(deployments: [
            deployment("gpt-4o-mini", "openai/gpt-4o-mini", accessGroups: ["cheap"]),
            deployment("sonnet", "bedrock/us.anthropic.claude-sonnet-4-6"),
        ])
        let mini = catalog.resolve("gpt-4o-mini", provider: nil)[0]
        let sonnet = catalog.resolve("sonnet", provider: nil)[0]
        #expect(Allowlist.allows([], mini, in: catalog))
        #expect(Allowlist.allows(["cheap"], mini, in: catalog))
        #expect(!Allowlist.allows(["cheap"], sonnet, in: catalog))
        #expect(Allowlist.allows(["bedrock/*"], sonnet, in: catalog))
        #expect(!Allowlist.allows(["bedrock/*"], mini, in: catalog))
        #expect(Allowlist.allows(["all-proxy-models"], sonnet, in: catalog))
        #expect(Allowlist.allows(["openai/gpt-4o-mini"], mini, in: catalog))
        #expect(!Allowlist.allows(["gpt-4o"], mini, in: catalog))
    }

    @Test func tagFilter() {
        let tagged = [
            deployment("g", "openai/a", tags: ["free", "paid"]), deployment("g", "openai/b", tags: ["default"]),
            deployment("g", "openai/c", tags: ["paid"]),
        ]
        let catalog = ModelCatalog(deployments: tagged)
        #expect(TagFilter.reachable([0, 1, 2], tags: [], in: catalog) == [1])
        #expect(TagFilter.reachable([0, 1, 2], tags: ["paid"], in: catalog) == [0, 2])
        #expect(TagFilter.reachable([0, 1, 2], tags: ["other"], in: catalog) == [1])
        #expect(TagFilter.reachable([0, 2], tags: ["other"], in: catalog) == [])
        #expect(TagFilter.reachable([0, 2], tags: [], in: catalog) == [0, 2])
    }
}
