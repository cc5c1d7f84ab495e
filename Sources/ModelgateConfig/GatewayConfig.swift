import ModelgateCore

/// A loaded LiteLLM-compatible `config.yaml` (the subset modelgate uses, CONTRACT §2).
///
/// A LiteLLM proxy config loads unchanged: sections modelgate does not use are listed in
/// `ignoredSections` (the caller logs one line each), unknown fields inside used sections are
/// skipped.
public struct GatewayConfig: Sendable {
    /// Everything the config contributes to a snapshot (deployments, static keys/teams/users,
    /// credentials, settings).
    public var parts: PolicyParts
    /// `general_settings.master_key`, resolved.
    public var masterKey: String?
    /// Top-level sections present but not used by modelgate (logged once each at load).
    public var ignoredSections: [String]
    /// Things that load but deserve a log line (an `os.environ/` value that is not set).
    public var warnings: [String]

    public init(parts: PolicyParts = PolicyParts(), masterKey: String? = nil, ignoredSections: [String] = [], warnings: [String] = []) {
        self.parts = parts
        self.masterKey = masterKey
        self.ignoredSections = ignoredSections
        self.warnings = warnings
    }

    /// Top-level sections modelgate reads.
    static let usedSections: Set<String> = [
        "model_list", "credential_list", "general_settings", "router_settings", "modelgate_settings",
        "teams", "users", "keys", "environment_variables",
    ]

    /// Parses YAML text (JSON is YAML too). `environment` resolves `os.environ/NAME` values, over
    /// the config's own `environment_variables:` (the process environment wins, as in LiteLLM).
    /// Throws `ConfigError` listing every problem with its location; no problem quotes the text.
    public static func parse(yaml: String, environment: [String: String]) throws(ConfigError) -> GatewayConfig {
        guard let root = try YAMLDocument.compose(yaml) else { return GatewayConfig() }
        var reader = ConfigReader(environment: environment)
        let top = ConfigNode(node: root, path: "")
        var config = read(top, reader: &reader)
        reader.warnRepeats(under: top)
        reader.warnUnsetReferences(under: top)
        config.warnings = reader.warnings
        if !reader.problems.isEmpty { throw ConfigError(problems: reader.problems) }
        return config
    }

    private static func read(_ root: ConfigNode, reader: inout ConfigReader) -> GatewayConfig {
        var config = GatewayConfig()
        if root.isNull { return config }
        guard let sections = reader.members(root, reading: usedSections) else { return config }
        // `environment_variables:` first: every os.environ/ reference may read it.
        for (name, node) in sections where name == "environment_variables" && !node.isNull {
            EnvironmentVariablesSection.read(node, reader: &reader)
        }
        var settings = GateSettings()
        for (name, node) in sections where !node.isNull {
            switch name {
            case "model_list": config.parts.deployments = ModelListSection.read(node, reader: &reader)
            case "credential_list": config.parts.credentials = CredentialListSection.read(node, reader: &reader)
            case "general_settings": config.masterKey = GeneralSettingsSection.read(node, reader: &reader)
            case "router_settings": RouterSettingsSection.read(node, into: &settings, reader: &reader)
            case "modelgate_settings": ModelgateSettingsSection.read(node, into: &settings, reader: &reader)
            case "teams": config.parts.teams = StaticPolicySection.teams(node, reader: &reader)
            case "users": config.parts.users = StaticPolicySection.users(node, reader: &reader)
            case "keys": config.parts.keys = StaticPolicySection.keys(node, reader: &reader)
            case "environment_variables": continue
            default: config.ignoredSections.append(name)
            }
        }
        config.parts.settings = settings
        return config
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
