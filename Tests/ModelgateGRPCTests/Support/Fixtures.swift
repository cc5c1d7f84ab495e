import ModelgateCore

/// A small policy built directly from `PolicyParts`, independent of config parsing.
enum Fixtures {
    static let key = "sk-grpc-test"
    static let otherKey = "sk-grpc-other"
    static let openAISecret = "openai-provider-secret"
    static let geminiSecret = "gemini-provider-secret"

    static func parts(maxBodyBytes: Int = 1 << 20) -> PolicyParts {
        PolicyParts(
            deployments: [
                Deployment(
                    groupName: "gpt-4o", provider: .openai, modelID: "gpt-4o", litellmModel: "openai/gpt-4o",
                    apiKey: Secret(openAISecret)),
                Deployment(
                    groupName: "gemini-2.5-pro", provider: .gemini, modelID: "gemini-2.5-pro",
                    litellmModel: "gemini/gemini-2.5-pro", apiKey: Secret(geminiSecret)),
            ],
            keys: [
                VirtualKey(hash: KeyHash(hashing: key), alias: "grpc-ci", userID: "u-grpc"),
                VirtualKey(hash: KeyHash(hashing: otherKey), alias: "restricted", models: ["gemini-2.5-pro"]),
            ],
            settings: GateSettings(maxBodyBytes: maxBodyBytes))
    }

    static func snapshot(maxBodyBytes: Int = 1 << 20) -> PolicySnapshot {
        PolicySnapshot(parts: parts(maxBodyBytes: maxBodyBytes))
    }

    static let chatBody = #"{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}"#
}
