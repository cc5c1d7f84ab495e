import ModelgateCore

/// The policy and requests the benchmarks decide: a LiteLLM-like `model_list` covering every
/// route family, keys bound to teams and users with realistic allowlists, and the headers the
/// official SDKs send.
enum Fixtures {
    /// `model_list` entries every configuration has: (group, `litellm_params.model`, access groups).
    static let coreModels: [(group: String, model: String, accessGroups: [String])] = [
        ("claude-opus-4-7", "bedrock/global.anthropic.claude-opus-4-7", ["frontier"]),
        ("claude-haiku-arn", "bedrock/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz", []),
        ("sonnet-v2", "bedrock/converse/anthropic.claude-3-5-sonnet-20241022-v2:0", []),
        ("gemini-2.5-pro", "gemini/gemini-2.5-pro", []),
        ("vertex-gemini", "vertex_ai/gemini-2.5-flash", []),
        ("gpt-4o", "openai/gpt-4o", ["frontier"]),
        ("gpt-4o-mini", "openai/gpt-4o-mini", ["cheap"]),
        ("azure-gpt4o", "azure/my-gpt4o-deployment", []),
        ("claude-direct", "anthropic/claude-sonnet-4-5", []),
        // A provider wildcard, as many LiteLLM configs have one.
        ("groq/*", "groq/*", []),
    ]

    /// What an ordinary key may call: group names, an access group and a glob.
    static let keyAllowlist = ["gpt-4o", "claude-opus-4-7", "claude-haiku-arn", "azure-gpt4o", "claude-direct", "frontier", "vertex-*"]
    /// What the restricted key behind the denied request may call.
    static let restrictedAllowlist = ["gpt-4o-mini", "cheap"]

    static func rawKey(_ index: Int) -> String { "sk-bench-\(index)-Zq3v9XkR2mTt7LwPpA0s" }
    static let restrictedKey = "sk-bench-restricted-8KdP2wq"

    /// A policy with `keyCount` keys and `groupCount` model groups (the core ones plus filler
    /// groups spread over the providers).
    static func parts(keyCount: Int, groupCount: Int) -> PolicyParts {
        var deployments: [Deployment] = []
        for (group, model, accessGroups) in coreModels {
            deployments.append(deployment(group: group, model: model, accessGroups: accessGroups))
        }
        let fillerProviders = ["openai/ft:gpt-4o:acme:m", "bedrock/us.acme.model-", "vertex_ai/acme-model-", "azure/acme-deployment-"]
        for index in 0..<max(0, groupCount - coreModels.count) {
            let model = fillerProviders[index % fillerProviders.count] + String(index)
            deployments.append(deployment(group: "acme-group-\(index)", model: model, accessGroups: index % 7 == 0 ? ["acme"] : []))
        }

        let teamCount = max(1, min(1_000, keyCount / 10))
        let userCount = max(1, min(10_000, keyCount / 3))
        var keys: [VirtualKey] = []
        keys.reserveCapacity(keyCount + 1)
        for index in 0..<keyCount {
            keys.append(VirtualKey(
                hash: KeyHash(hashing: rawKey(index)),
                alias: "bench-key-\(index)",
                teamID: index % 2 == 0 ? "team-\(index % teamCount)" : nil,
                userID: index % 3 == 0 ? "user-\(index % userCount)" : nil,
                models: keyAllowlist.map { fresh($0) },
                tags: index % 5 == 0 ? [fresh("tier-\(index % 3)")] : []))
        }
        keys.append(VirtualKey(hash: KeyHash(hashing: restrictedKey), alias: "restricted", models: restrictedAllowlist))
        let teams = (0..<teamCount).map { index in
            Team(id: "team-\(index)", alias: "Team \(index)", models: index % 4 == 0 ? [] : ["all-proxy-models"])
        }
        let users = (0..<userCount).map { User(id: "user-\($0)") }
        return PolicyParts(deployments: deployments, keys: keys, teams: teams, users: users)
    }

    static func deployment(group: String, model: String, accessGroups: [String]) -> Deployment {
        let (provider, id) = LiteLLMModelName.parse(model)
        return Deployment(
            groupName: group, provider: provider, modelID: id, litellmModel: model,
            apiKey: Secret("\(provider)-upstream-secret-0123456789"), accessGroups: accessGroups)
    }

    /// A string with its own storage, as one decoded from the database would have.
    static func fresh(_ text: String) -> String { String(decoding: Array(text.utf8), as: UTF8.self) }

    // MARK: Requests

    /// The headers the OpenAI and Anthropic Python SDKs send, as nginx forwards them.
    static func sdkHeaders(key: String, keyHeader: String, contentLength: Int) -> HeaderFields {
        HeaderFields([
            ("host", "gateway.internal"),
            ("x-original-method", "POST"),
            ("accept", "application/json"),
            ("accept-encoding", "gzip, deflate"),
            ("content-type", "application/json"),
            ("content-length", String(contentLength)),
            ("user-agent", "OpenAI/Python 1.99.1"),
            ("x-stainless-lang", "python"),
            ("x-stainless-package-version", "1.99.1"),
            ("x-stainless-os", "Linux"),
            ("x-stainless-arch", "x64"),
            ("x-stainless-runtime", "CPython"),
            ("x-stainless-runtime-version", "3.12.3"),
            ("x-stainless-retry-count", "0"),
            (keyHeader, keyHeader == "authorization" ? "Bearer \(key)" : key),
        ])
    }

    /// The headers boto3 sends to bedrock-runtime with a bearer token.
    static func boto3Headers(key: String, contentLength: Int) -> HeaderFields {
        HeaderFields([
            ("host", "gateway.internal"),
            ("x-original-method", "POST"),
            ("accept-encoding", "identity"),
            ("content-type", "application/json"),
            ("content-length", String(contentLength)),
            ("user-agent", "Boto3/1.40.0 md/Botocore#1.40.0 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.12.3"),
            ("amz-sdk-invocation-id", "6f1d8a3e-5c4b-4f7e-9a2d-0b1c2d3e4f50"),
            ("amz-sdk-request", "attempt=1; max=3"),
            ("authorization", "Bearer \(key)"),
        ])
    }

    enum Shape: CaseIterable {
        case openAI1KB, anthropic100KB, bedrockARN, vertex, azure, deniedAllowlist, deniedUnknownKey

        var title: String {
            switch self {
            case .openAI1KB: return "OpenAI chat, 1 KB body"
            case .anthropic100KB: return "Anthropic messages, 100 KB body"
            case .bedrockARN: return "Bedrock converse, boto3 ARN path"
            case .vertex: return "Vertex generateContent path"
            case .azure: return "Azure deployment path + 1 KB body"
            case .deniedAllowlist: return "denied: key may not call model (path)"
            case .deniedUnknownKey: return "denied: unknown key"
            }
        }

        /// Whether the decision must come out as allow (checked before measuring).
        var allows: Bool {
            switch self {
            case .deniedAllowlist, .deniedUnknownKey: return false
            default: return true
            }
        }
    }

    static let bedrockARNTarget =
        "/bedrock/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123xyz/converse"
    static let vertexTarget =
        "/vertex_ai/v1/projects/acme-prod/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent"
    static let azureTarget = "/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21"

    static let openAIBody = Bodies.chat(size: 1_024, model: "gpt-4o", modelFirst: true)
    static let anthropicBody = Bodies.chat(size: 100 * 1_024, model: "claude-direct", modelFirst: false, anthropic: true)
    static let smallConverseBody = Array(#"{"messages":[{"role":"user","content":[{"text":"Summarise the attached report in three bullet points."}]}],"inferenceConfig":{"maxTokens":512}}"#.utf8)

    /// The request of `shape`, presented with `key`.
    static func request(_ shape: Shape, key: String) -> CheckRequest {
        switch shape {
        case .openAI1KB:
            return CheckRequest(
                method: "POST", rawTarget: "/v1/chat/completions",
                headers: sdkHeaders(key: key, keyHeader: "authorization", contentLength: openAIBody.count),
                body: .complete(openAIBody))
        case .anthropic100KB:
            return CheckRequest(
                method: "POST", rawTarget: "/v1/messages",
                headers: sdkHeaders(key: key, keyHeader: "x-api-key", contentLength: anthropicBody.count),
                body: .complete(anthropicBody))
        case .bedrockARN:
            return CheckRequest(
                method: "POST", rawTarget: bedrockARNTarget,
                headers: boto3Headers(key: key, contentLength: smallConverseBody.count), body: .complete(smallConverseBody))
        case .vertex:
            return CheckRequest(
                method: "POST", rawTarget: vertexTarget,
                headers: sdkHeaders(key: key, keyHeader: "authorization", contentLength: smallConverseBody.count),
                body: .complete(smallConverseBody))
        case .azure:
            return CheckRequest(
                method: "POST", rawTarget: azureTarget,
                headers: sdkHeaders(key: key, keyHeader: "api-key", contentLength: openAIBody.count), body: .complete(openAIBody))
        case .deniedAllowlist:
            return CheckRequest(
                method: "POST", rawTarget: bedrockARNTarget,
                headers: boto3Headers(key: restrictedKey, contentLength: smallConverseBody.count), body: .complete(smallConverseBody))
        case .deniedUnknownKey:
            return CheckRequest(
                method: "POST", rawTarget: "/v1/chat/completions",
                headers: sdkHeaders(key: "sk-not-a-key-\(key.utf8.count)", keyHeader: "authorization", contentLength: openAIBody.count),
                body: .complete(openAIBody))
        }
    }

    /// Up to `limit` keys spread evenly over `keyCount`, so lookups touch the whole key table.
    static func sampleKeys(keyCount: Int, limit: Int) -> [String] {
        let count = min(keyCount, limit)
        return (0..<count).map { rawKey($0 * keyCount / count) }
    }
}
