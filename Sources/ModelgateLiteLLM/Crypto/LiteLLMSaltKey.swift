import ModelgateCore

/// The key LiteLLM encrypts its stored secrets with, chosen as LiteLLM chooses it:
/// `LITELLM_SALT_KEY` when set (even empty), else the proxy's master key, which is the config's
/// `general_settings.master_key` when given, else `LITELLM_MASTER_KEY`.
public struct LiteLLMSaltKey: Sendable {
    public static let saltKeyVariable = "LITELLM_SALT_KEY"
    public static let masterKeyVariable = "LITELLM_MASTER_KEY"

    /// Which setting supplied it, for a start-up log line (never the value).
    public enum Origin: String, Sendable {
        case saltKey = "LITELLM_SALT_KEY"
        case configMasterKey = "general_settings.master_key"
        case environmentMasterKey = "LITELLM_MASTER_KEY"
    }

    public let value: Secret
    public let origin: Origin

    public init(_ value: String, origin: Origin) {
        self.value = Secret(value)
        self.origin = origin
    }

    /// The salt key from `environment` and the config's resolved `general_settings.master_key`;
    /// nil when none is set (then nothing LiteLLM encrypted can be read).
    public static func resolve(environment: [String: String], configMasterKey: String?) -> LiteLLMSaltKey? {
        if let salt = environment[saltKeyVariable] { return LiteLLMSaltKey(salt, origin: .saltKey) }
        if let master = configMasterKey { return LiteLLMSaltKey(master, origin: .configMasterKey) }
        if let master = environment[masterKeyVariable] { return LiteLLMSaltKey(master, origin: .environmentMasterKey) }
        return nil
    }
}
