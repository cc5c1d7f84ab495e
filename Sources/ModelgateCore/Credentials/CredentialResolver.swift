/// Chooses the provider credential for the selected deployment (CONTRACT §6).
///
/// The provider always comes from the deployment behind the group, never from the name the
/// client typed. Order: key per-group, key `defaultconfig`, team per-group, team
/// `defaultconfig`, the deployment's `litellm_credential_name`, the deployment's `api_key`.
/// A level with no entry for that provider falls through; it never borrows another provider's.
public enum CredentialResolver {
    public struct Unavailable: Error, Sendable {
        public var message: String
    }

    /// The credential to inject, nil when none is configured, or why the chosen one is unusable.
    public static func resolve(
        group: String, deployment: Deployment, key: VirtualKey?, team: Team?, credentials: [String: Credential]
    ) -> Result<InjectedCredential?, Unavailable> {
        let provider = deployment.provider
        func configured(_ config: ModelConfig?) -> String? {
            guard let config, !config.isEmpty else { return nil }
            return config.perGroup[group]?[provider.rawValue] ?? config.defaultConfig[provider.rawValue]
        }
        if let name = configured(key?.modelConfig) ?? configured(team?.modelConfig) {
            return named(name, for: provider, credentials: credentials)
        }
        if let name = deployment.credentialName {
            return named(name, for: provider, credentials: credentials)
        }
        if let secret = deployment.apiKey {
            return .success(ProviderCredentialHeader.inject(secret, for: provider))
        }
        if let variable = deployment.unresolvedAPIKey {
            return .failure(Unavailable(message: "the deployment's api_key reads \(variable), which is not set"))
        }
        return .success(nil)
    }

    private static func named(_ name: String, for provider: Provider, credentials: [String: Credential]) -> Result<InjectedCredential?, Unavailable> {
        guard let credential = credentials[name] else {
            return .failure(Unavailable(message: "credential '\(name)' is referenced but not defined"))
        }
        if let own = credential.provider, own != provider {
            return .failure(Unavailable(message: "credential '\(name)' is for \(own), not \(provider)"))
        }
        guard let secret = credential.apiKey else {
            return .failure(Unavailable(message: "credential '\(name)' has no usable api_key" + (credential.unavailableReason.map { ": \($0)" } ?? "")))
        }
        return .success(ProviderCredentialHeader.inject(secret, for: provider))
    }
}
