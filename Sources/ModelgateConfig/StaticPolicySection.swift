import Foundation
import ModelgateCore

/// The optional static `teams`, `users` and `keys` sections, merged with the database.
enum StaticPolicySection {
    static func teams(_ node: ConfigNode, reader: inout ConfigReader) -> [Team] {
        (reader.elements(node) ?? []).compactMap { entry in
            guard let fields = reader.members(entry, reading: ["team_id", "team_alias", "models", "blocked", "metadata", "model_config"]) else { return nil }
            var team = Team(id: "")
            for (name, value) in fields where !value.isNull {
                switch name {
                case "team_id": team.id = reader.string(value) ?? ""
                case "team_alias": team.alias = reader.string(value)
                case "models": team.models = reader.strings(value) ?? []
                case "blocked": team.blocked = reader.bool(value) ?? false
                case "metadata": readMetadata(value, tags: &team.tags, modelConfig: &team.modelConfig, reader: &reader)
                case "model_config": team.modelConfig = ModelConfigReader.read(value, reader: &reader)
                default: continue
                }
            }
            guard !team.id.isEmpty else {
                reader.problem(entry, "team_id is required")
                return nil
            }
            return team
        }
    }

    static func users(_ node: ConfigNode, reader: inout ConfigReader) -> [User] {
        (reader.elements(node) ?? []).compactMap { entry in
            guard let fields = reader.members(entry, reading: ["user_id", "models"]) else { return nil }
            var user = User(id: "")
            for (name, value) in fields where !value.isNull {
                switch name {
                case "user_id": user.id = reader.string(value) ?? ""
                case "models": user.models = reader.strings(value) ?? []
                default: continue
                }
            }
            guard !user.id.isEmpty else {
                reader.problem(entry, "user_id is required")
                return nil
            }
            return user
        }
    }

    static func keys(_ node: ConfigNode, reader: inout ConfigReader) -> [VirtualKey] {
        (reader.elements(node) ?? []).compactMap { entry in
            guard let fields = reader.members(entry, reading: ["key", "key_alias", "team_id", "user_id", "models", "blocked", "expires", "metadata", "model_config"]) else { return nil }
            var raw: String?
            var skipped = false
            var key = VirtualKey(hash: KeyHash(hashing: ""))
            for (name, value) in fields where !value.isNull {
                switch name {
                case "key":
                    switch reader.secret(value) {
                    case .value(let text): raw = text
                    case .unset(let reference):
                        skipped = true
                        reader.warnings.append("\(value.location): \(reference) is not set; this key is not loaded (requests with it are denied)")
                    case nil: break
                    }
                case "key_alias": key.alias = reader.string(value)
                case "team_id": key.teamID = reader.string(value)
                case "user_id": key.userID = reader.string(value)
                case "models": key.models = reader.strings(value) ?? []
                case "blocked": key.blocked = reader.bool(value) ?? false
                case "expires": key.expires = expiry(value, reader: &reader)
                case "metadata": readMetadata(value, tags: &key.tags, modelConfig: &key.modelConfig, reader: &reader)
                case "model_config": key.modelConfig = ModelConfigReader.read(value, reader: &reader)
                default: continue
                }
            }
            guard let raw, !raw.isEmpty else {
                if !skipped, !reader.problems.contains(where: { $0.location.hasPrefix(entry.path) }) {
                    reader.problem(entry, "key is required")
                }
                return nil
            }
            key.hash = KeyHash(hashing: raw)
            return key
        }
    }

    private static func readMetadata(_ node: ConfigNode, tags: inout [String], modelConfig: inout ModelConfig, reader: inout ConfigReader) {
        for (name, value) in reader.members(node, reading: ["tags", "model_config"]) ?? [] where !value.isNull {
            switch name {
            case "tags": tags = reader.strings(value) ?? []
            case "model_config": modelConfig = ModelConfigReader.read(value, reader: &reader)
            default: continue
            }
        }
    }

    private static func expiry(_ node: ConfigNode, reader: inout ConfigReader) -> Date? {
        guard let text = reader.string(node) else { return nil }
        if let date = ExpiryDate.parse(text) { return date }
        reader.problem(node, "expires must be \(ExpiryDate.expected)")
        return nil
    }
}

/// `model_config`: `defaultconfig` and per-group entries, each provider →
/// `{litellm_credentials: NAME}`. Provider keys are read as LiteLLM reads provider names
/// (`Bedrock`, `Google_AI_Studio`: `Provider.canonicalName`).
public enum ModelConfigReader {
    static func read(_ node: ConfigNode, reader: inout ConfigReader) -> ModelConfig {
        var config = ModelConfig()
        for (scope, providers) in reader.members(node) ?? [] where !providers.isNull {
            var byProvider: [String: String] = [:]
            for (provider, entry) in reader.members(providers) ?? [] where !entry.isNull {
                var credential: String?
                for (field, value) in reader.members(entry, reading: ["litellm_credentials"]) ?? [] where field == "litellm_credentials" {
                    credential = reader.string(value)
                }
                guard let credential else {
                    reader.problem(entry, "expected { litellm_credentials: NAME }")
                    continue
                }
                let canonical = Provider.canonicalName(provider)
                if let earlier = byProvider[canonical], earlier != credential {
                    reader.problem(entry, "names provider \(canonical) a second time (as '\(provider)') with another credential")
                    continue
                }
                byProvider[canonical] = credential
            }
            if scope == "defaultconfig" {
                config.defaultConfig = byProvider
            } else {
                config.perGroup[scope] = byProvider
            }
        }
        return config
    }

    /// Reads a `model_config` value from already-decoded JSON (admin API bodies, database rows).
    /// Returns nil with a message when the shape is wrong.
    public static func read(json: Any) -> Result<ModelConfig, ConfigError> {
        guard let scopes = json as? [String: Any] else {
            return .failure(ConfigError(problems: [ConfigProblem(location: "model_config", message: "expected an object")]))
        }
        var config = ModelConfig()
        for (scope, value) in scopes {
            if value is NSNull { continue }
            guard let providers = value as? [String: Any] else {
                return .failure(ConfigError(problems: [ConfigProblem(location: "model_config.\(scope)", message: "expected an object of providers")]))
            }
            var byProvider: [String: String] = [:]
            for (provider, entry) in providers {
                guard let fields = entry as? [String: Any], let name = fields["litellm_credentials"] as? String else {
                    return .failure(ConfigError(problems: [ConfigProblem(
                        location: "model_config.\(scope).\(provider)", message: "expected { \"litellm_credentials\": NAME }")]))
                }
                let canonical = Provider.canonicalName(provider)
                if let earlier = byProvider[canonical], earlier != name {
                    return .failure(ConfigError(problems: [ConfigProblem(
                        location: "model_config.\(scope).\(provider)", message: "names provider \(canonical) a second time with another credential")]))
                }
                byProvider[canonical] = name
            }
            if scope == "defaultconfig" { config.defaultConfig = byProvider } else { config.perGroup[scope] = byProvider }
        }
        return .success(config)
    }
}
