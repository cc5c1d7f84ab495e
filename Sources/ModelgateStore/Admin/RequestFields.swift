import ModelgateCore

/// Typed access to a JSON request body, reporting a wrong type as a 400 naming the field.
///
/// A field given as JSON `null` counts as not given (LiteLLM drops `None` fields the same way).
/// Fields modelgate does not use are ignored, except those that would restrict a key in ways
/// modelgate cannot enforce (`RequestFields.unenforceable`), which are refused.
struct RequestFields {
    let fields: [String: JSONValue]

    /// Parses a body that must be one JSON object; an empty body is `{}`.
    init(body: [UInt8]) throws(AdminError) {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            fields = [:]
            return
        }
        guard let value = JSONValue.parse(body) else {
            throw .badRequest("the request body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw .badRequest("the request body must be a JSON object, not a \(value.typeName)")
        }
        fields = object
    }

    init(_ fields: [String: JSONValue]) { self.fields = fields }

    func has(_ name: String) -> Bool {
        if case nil = fields[name] { return false }
        if case .null? = fields[name] { return false }
        return true
    }

    func string(_ name: String) throws(AdminError) -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let value)?: return try Self.refusingControlCharacters(value, name)
        case let other?: throw Self.wrongType(name, "a string", other)
        }
    }

    func requiredString(_ name: String) throws(AdminError) -> String {
        guard let value = try string(name) else { throw .badRequest("'\(name)' is required", param: name) }
        return value
    }

    func bool(_ name: String) throws(AdminError) -> Bool? {
        switch fields[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw Self.wrongType(name, "true or false", other)
        }
    }

    func strings(_ name: String) throws(AdminError) -> [String]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            var strings: [String] = []
            for item in items {
                guard let value = item.stringValue else {
                    throw .badRequest("'\(name)' must be a list of strings, found a \(item.typeName) in it", param: name)
                }
                strings.append(try Self.refusingControlCharacters(value, name))
            }
            return strings
        case let other?: throw Self.wrongType(name, "a list of strings", other)
        }
    }

    func object(_ name: String) throws(AdminError) -> [String: JSONValue]? {
        switch fields[name] {
        case nil, .null?: return nil
        case .object(let value)?: return value
        case let other?: throw Self.wrongType(name, "an object", other)
        }
    }

    /// `model_config` is an object; its inner shape is checked by `PolicyMetadata`.
    func modelConfig() throws(AdminError) -> JSONValue? {
        try object(PolicyMetadata.modelConfigField).map(JSONValue.object)
    }

    /// `credential_values`: an object of strings.
    func stringMap(_ name: String) throws(AdminError) -> [String: String]? {
        guard let object = try object(name) else { return nil }
        var values: [String: String] = [:]
        for (field, value) in object {
            guard let text = value.stringValue else {
                throw .badRequest("'\(name).\(field)' must be a string, not a \(value.typeName)", param: name)
            }
            values[field] = text
        }
        return values
    }

    /// `duration` (LiteLLM) or `expires` (read by `ExpiryDate`, as in the config file). `"-1"` or
    /// `"never"` clears an expiry on update.
    func expiry() throws(AdminError) -> KeyExpiry? {
        if has("duration") && has("expires") {
            throw .badRequest("give either 'duration' or 'expires', not both", param: "duration")
        }
        if let duration = try string("duration") {
            if duration == "-1" || duration == "never" { return .never }
            guard let parsed = KeyDuration(duration) else {
                throw .badRequest("'duration' must be \(KeyDuration.explanation), got '\(duration)'", param: "duration")
            }
            return .after(parsed)
        }
        if let expires = try string("expires") {
            guard let date = ExpiryDate.parse(expires) else {
                throw .badRequest("'expires' must be \(ExpiryDate.expected)", param: "expires")
            }
            return .at(date)
        }
        return nil
    }

    /// LiteLLM key fields that narrow what a key may do in ways modelgate does not check; a key
    /// carrying them would be allowed more here than there, so they are refused.
    static let unenforceable = ["allowed_routes", "allowed_passthrough_routes", "enforced_params"]

    func refuseUnenforceable() throws(AdminError) {
        for name in Self.unenforceable {
            switch fields[name] {
            case nil, .null?: continue
            case .array(let items)? where items.isEmpty: continue
            default:
                throw .badRequest("'\(name)' is not enforced by modelgate; remove it or restrict the key with 'models'", param: name)
            }
        }
        if let keyType = try string("key_type"), !["default", "llm_api"].contains(keyType) {
            throw .badRequest("key_type '\(keyType)' is not enforced by modelgate; only 'llm_api' and 'default' keys exist here", param: "key_type")
        }
    }

    /// Names, ids, aliases and models may become header values (CONTRACT §4).
    private static func refusingControlCharacters(_ value: String, _ name: String) throws(AdminError) -> String {
        guard !ControlCharacters.contains(value) else { throw .badRequest("'\(name)' holds a control character", param: name) }
        return value
    }

    private static func wrongType(_ name: String, _ expected: String, _ found: JSONValue) -> AdminError {
        .badRequest("'\(name)' must be \(expected), not a \(found.typeName)", param: name)
    }
}
