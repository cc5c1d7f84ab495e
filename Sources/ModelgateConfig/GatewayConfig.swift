import ModelgateCore

/// A loaded LiteLLM-compatible `config.yaml` (the subset modelgate uses).
///
/// API is fixed; the implementation lands with the engine issue.
public struct GatewayConfig: Sendable {
    /// Everything the config contributes to a snapshot (deployments, static keys/teams/users,
    /// credentials, settings).
    public var parts: PolicyParts
    /// `general_settings.master_key`, resolved.
    public var masterKey: String?
    /// Top-level sections present but not used by modelgate (logged once each at load).
    public var ignoredSections: [String]

    public init(parts: PolicyParts = PolicyParts(), masterKey: String? = nil, ignoredSections: [String] = []) {
        self.parts = parts
        self.masterKey = masterKey
        self.ignoredSections = ignoredSections
    }

    /// Parses YAML text. `environment` resolves `os.environ/NAME` values.
    /// Throws `ConfigError` listing every problem with its location.
    public static func parse(yaml: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        throw ConfigError(problems: [ConfigProblem(location: "$", message: "config loading not built yet")])
    }
}

/// Every problem found in a config file, each with where it is.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public init(problems: [ConfigProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// One config problem: a path such as `model_list[3].litellm_params.model` and what is wrong.
public struct ConfigProblem: Sendable, CustomStringConvertible {
    public var location: String
    public var message: String
    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }
    public var description: String { "\(location): \(message)" }
}
