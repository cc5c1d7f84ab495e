/// A named provider credential (`credential_list` entry or `POST /credentials`), decrypted.
public struct Credential: Sendable {
    public var name: String
    /// `credential_info.custom_llm_provider`, when given.
    public var provider: Provider?
    /// `credential_values.api_key`.
    public var apiKey: Secret?
    /// Why `apiKey` is missing (an unset environment variable, no `MODELGATE_SECRET_KEY` to
    /// decrypt it); never the value itself.
    public var unavailableReason: String?

    public init(name: String, provider: Provider? = nil, apiKey: Secret? = nil, unavailableReason: String? = nil) {
        self.name = name
        self.provider = provider
        self.apiKey = apiKey
        self.unavailableReason = unavailableReason
    }
}
