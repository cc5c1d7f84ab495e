@testable import ModelgateCore
import Testing

@Suite("Route recognizers")
struct RouteTableTests {
    let snapshot = PolicySnapshot.empty

    private func route(_ method: String = "POST", _ target: String) -> RouteMatch? {
        guard case .success(let path) = CanonicalPath.parse(target) else { return nil }
        return try? RouteTable.match(path, method: method, in: snapshot).get()
    }

    private func model(_ target: String) -> RecognizedRoute? {
        if case .model(let route) = route("POST", target) { return route }
        return nil
    }

    @Test func bedrockActionsAndIDs() {
        for action in ["invoke", "invoke-with-response-stream", "converse", "converse-stream", "count-tokens"] {
            let route = model("/bedrock/model/us.anthropic.claude-sonnet-4-6/\(action)")
            #expect(route?.family == .bedrock)
            #expect(route?.pathModel == "us.anthropic.claude-sonnet-4-6")
            #expect(route?.provider == .bedrock)
        }
        #expect(model("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fabc/invoke")?.pathModel
            == "arn:aws:bedrock:us-east-1:1:application-inference-profile/abc")
        #expect(model("/model/arn:aws:bedrock:us-east-1::foundation-model%2Fanthropic.claude-3-haiku-20240307-v1:0/invoke")?.pathModel
            == "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0")
        #expect(model("/model/x/async-invoke") == nil)
    }

    @Test func googleModelRunsToTheLastColon() {
        let route = model("/v1beta/models/a/b:streamGenerateContent?alt=sse")
        #expect(route?.family == .googleAIStudio)
        #expect(route?.pathModel == "a/b")
        #expect(model("/v1/models/gemini-2.5-pro:generateContent")?.pathModel == "gemini-2.5-pro")
    }

    @Test func vertexFullAndExpressPaths() {
        let full = model("/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict")
        #expect(full?.family == .vertexAI)
        #expect(full?.pathModel == "claude-sonnet-4-5@20250929")
        #expect(full?.publisher == "anthropic")
        let express = model("/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent")
        #expect(express?.pathModel == "gemini-2.5-flash")
        let countTokens = model("/v1/projects/p/locations/l/publishers/anthropic/models/count-tokens:rawPredict")
        #expect(countTokens?.pathModel == nil)
        #expect(countTokens?.modelLivesInBody == true)
    }

    @Test func azureDeploymentAndRealtime() {
        #expect(model("/openai/deployments/my-deploy/chat/completions?api-version=2024-10-21")?.pathModel == "my-deploy")
        let realtime = model("/openai/realtime?deployment=rt")
        #expect(realtime?.family == .azure)
        #expect(realtime?.pathModel == "rt")
        #expect(realtime?.pathModelSource == .query)
    }

    @Test func openAIAndAnthropicShapes() {
        for target in ["/v1/chat/completions", "/chat/completions", "/anthropic/v1/chat/completions", "/v1/audio/transcriptions", "/v1/rerank"] {
            #expect(model(target)?.family == .openAI, "\(target)")
        }
        #expect(model("/anthropic/v1/messages")?.family == .anthropic)
        #expect(model("/v1/messages/count_tokens")?.family == .anthropic)
        #expect(model("/v1/realtime/client_secrets")?.bodyFields == .realtimeSession)
        #expect(model("/openai/chat/completions") == nil)  // the /openai passthrough forwards /v1 paths
    }

    @Test func mountsAdmitOnlyTheirProvider() {
        #expect(model("/bedrock/v1/chat/completions") == nil)
        #expect(model("/gemini/model/x/invoke") == nil)
        #expect(model("/vertex-ai/v1/publishers/google/models/m:generateContent")?.family == .vertexAI)
    }

    @Test func modellessAndUnknown() {
        #expect(route("GET", "/v1/models") == .modelless("GET /v1/models"))
        #expect(route("GET", "/gemini/models") == .modelless("GET /models"))
        #expect(route("POST", "/v1/models") == .unknown)
        #expect(route("POST", "/v1/messages/batches") == .unknown)
    }

    @Test func encodedSlashOnlyInsideTheBedrockID() {
        guard case .success(let path) = CanonicalPath.parse("/v1/chat%2Fcompletions") else { return }
        #expect(throws: PathProblem.encodedSlash) { try RouteTable.match(path, method: "POST", in: snapshot).get() }
    }
}
