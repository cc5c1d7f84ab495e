@testable import ModelgateCore
import Testing

/// Azure's deployment-less APIs (CONTRACT §3): `/openai/responses` and `/openai/v1/{endpoint}`,
/// the body `model` looked up among Azure deployments.
@Suite("Azure deployment-less routes")
struct AzureDeploymentlessRouteTests {
    let snapshot = PolicySnapshot.empty

    private func model(_ target: String) -> RecognizedRoute? {
        guard case .success(let path) = CanonicalPath.parse(target),
              case .success(.model(let route)) = RouteTable.match(path, method: "POST", in: snapshot) else { return nil }
        return route
    }

    @Test func responsesWithAPIVersion() throws {
        let route = try #require(model("/openai/responses?api-version=2025-04-01-preview"))
        #expect(route.family == .azure)
        #expect(route.provider == .azure)
        #expect(route.pathModel == nil)
        #expect(route.bodyFields == .standard)
        #expect(route.modelLivesInBody)
    }

    @Test(arguments: ["chat/completions", "embeddings", "responses", "audio/transcriptions", "images/generations", "realtime/client_secrets"])
    func v1EndpointsReadTheBodyAsAnAzureDeployment(endpoint: String) throws {
        let route = try #require(model("/openai/v1/\(endpoint)"), "\(endpoint)")
        #expect(route.family == .azure)
        #expect(route.provider == .azure)
        #expect(route.endpoint == "azure.v1/\(endpoint)")
        #expect(route.bodyFields == model("/v1/\(endpoint)")?.bodyFields)
        // Under the /azure mount too, and never ambiguous with the /openai passthrough mount.
        #expect(model("/azure/openai/v1/\(endpoint)")?.family == .azure)
    }

    @Test func otherOpenAIPathsAreNotAzure() {
        #expect(model("/openai/v1/unknown/thing") == nil)
        #expect(model("/openai/deployments/d/chat/completions")?.pathModel == "d")
        #expect(model("/anthropic/v1/messages")?.family == .anthropic)
    }
}
