/// The header each provider expects its credential under (CONTRACT §4).
public enum ProviderCredentialHeader {
    public static func inject(_ secret: Secret, for provider: Provider) -> InjectedCredential {
        switch provider {
        case .azure:
            return InjectedCredential(headerName: "api-key", headerValue: secret)
        case .anthropic:
            return InjectedCredential(headerName: "x-api-key", headerValue: secret)
        case .gemini:
            return InjectedCredential(headerName: "x-goog-api-key", headerValue: secret)
        default:
            // OpenAI, Vertex AI and Bedrock API keys, and OpenAI-compatible providers.
            return InjectedCredential(headerName: "authorization", headerValue: Secret(bearer: secret))
        }
    }
}
