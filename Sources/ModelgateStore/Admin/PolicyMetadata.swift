import ModelgateConfig
import ModelgateCore

/// The parts of a key's or team's `metadata` that policy reads: `tags` and `model_config`.
///
/// LiteLLM accepts both at the top level of a request and under `metadata`; they are always
/// stored under `metadata`, and checked when written so a stored row always loads.
public enum PolicyMetadata {
    public static let tagsField = "tags"
    public static let modelConfigField = "model_config"
    /// The `model_config` entry that applies to every model group.
    static let defaultConfigEntry = "defaultconfig"
    static let credentialField = "litellm_credentials"

    /// Builds the metadata to store: `base` (the request's `metadata`, or on an update without
    /// one the stored metadata), with top-level `tags` and `model_config` written into it.
    static func compose(
        base: [String: JSONValue], tags: [String]?, modelConfig: JSONValue?
    ) throws(AdminError) -> [String: JSONValue] {
        var metadata = base
        if let tags { metadata[tagsField] = .strings(tags) }
        if let modelConfig { metadata[modelConfigField] = modelConfig }
        // Both must parse now, so that loading the row later cannot fail.
        _ = try self.tags(in: metadata)
        _ = try self.modelConfig(in: metadata)
        return metadata
    }

    /// `metadata.tags`: a list of strings, or nothing.
    static func tags(in metadata: [String: JSONValue]) throws(AdminError) -> [String] {
        switch metadata[tagsField] {
        case nil, .null?:
            return []
        case .array(let items)?:
            var tags: [String] = []
            for item in items {
                guard let tag = item.stringValue else {
                    throw .badRequest("metadata.tags must be a list of strings, found a \(item.typeName)", param: "tags")
                }
                tags.append(tag)
            }
            return tags
        case let other?:
            throw .badRequest("metadata.tags must be a list of strings, not a \(other.typeName)", param: "tags")
        }
    }

    /// `metadata.model_config`:
    /// `{"defaultconfig"|<group>: {<provider>: {"litellm_credentials": <credential name>}}}`,
    /// read by the config file's own reader so both sources accept exactly the same shapes.
    static func modelConfig(in metadata: [String: JSONValue]) throws(AdminError) -> ModelConfig {
        guard let value = metadata[modelConfigField], value != .null else { return .none }
        switch ModelConfigReader.read(json: value.foundationValue) {
        case .success(let config):
            return config
        case .failure(let error):
            let problems = error.problems.map { "metadata.\($0.location): \($0.message)" }
            throw .badRequest(problems.joined(separator: "; "), param: modelConfigField)
        }
    }
}
