import ModelgateCore

/// Names of admin request fields that are not a stored record's field (those are the records'
/// `CodingKeys`: `KeyField`, `TeamField`, `UserField`, `CredentialField`).
enum RequestField: String, CodingKey {
    case key, keys, keyAliases = "key_aliases", teamIDs = "team_ids", keyType = "key_type"
    case duration, expires, autoCreateKey = "auto_create_key"
    case tags, modelConfig = "model_config"
    case credentialValues = "credential_values"
    case returnFullObject = "return_full_object"
}

typealias KeyField = StoredKey.CodingKeys
typealias TeamField = StoredTeam.CodingKeys
typealias UserField = StoredUser.CodingKeys
typealias CredentialField = StoredCredential.CodingKeys

extension AdminError {
    static func badRequest(_ message: String, field: some CodingKey) -> AdminError {
        badRequest(message, param: field.stringValue)
    }

    static func notFound(_ message: String, field: some CodingKey) -> AdminError {
        notFound(message, param: field.stringValue)
    }
}

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

    func has(_ field: some CodingKey) -> Bool {
        switch fields[field.stringValue] {
        case nil, .null?: false
        default: true
        }
    }

    func string(_ field: some CodingKey) throws(AdminError) -> String? {
        let name = field.stringValue
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let value)?: return try Self.refusingControlCharacters(value, name)
        case let other?: throw Self.wrongType(name, "a string", other)
        }
    }

    func requiredString(_ field: some CodingKey) throws(AdminError) -> String {
        guard let value = try string(field) else { throw .badRequest("'\(field.stringValue)' is required", field: field) }
        return value
    }

    func bool(_ field: some CodingKey) throws(AdminError) -> Bool? {
        let name = field.stringValue
        switch fields[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw Self.wrongType(name, "true or false", other)
        }
    }

    func strings(_ field: some CodingKey) throws(AdminError) -> [String]? {
        let name = field.stringValue
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

    func object(_ field: some CodingKey) throws(AdminError) -> [String: JSONValue]? {
        let name = field.stringValue
        switch fields[name] {
        case nil, .null?: return nil
        case .object(let value)?: return value
        case let other?: throw Self.wrongType(name, "an object", other)
        }
    }

    /// `model_config` is an object; its inner shape is checked by `PolicyMetadata`.
    func modelConfig() throws(AdminError) -> JSONValue? {
        try object(RequestField.modelConfig).map(JSONValue.object)
    }

    /// `credential_values`: an object of strings.
    func stringMap(_ field: some CodingKey) throws(AdminError) -> [String: String]? {
        guard let object = try object(field) else { return nil }
        let name = field.stringValue
        var values: [String: String] = [:]
        for (member, value) in object {
            guard let text = value.stringValue else {
                throw .badRequest("'\(name).\(member)' must be a string, not a \(value.typeName)", param: name)
            }
            values[member] = text
        }
        return values
    }

    /// `duration` (LiteLLM) or `expires` (read by `ExpiryDate`, as in the config file). `"-1"` or
    /// `"never"` clears an expiry on update.
    func expiry() throws(AdminError) -> KeyExpiry? {
        if has(RequestField.duration) && has(RequestField.expires) {
            throw .badRequest("give either 'duration' or 'expires', not both", field: RequestField.duration)
        }
        if let duration = try string(RequestField.duration) {
            if duration == "-1" || duration == "never" { return .never }
            guard let parsed = KeyDuration(duration) else {
                throw .badRequest("'duration' must be \(KeyDuration.explanation), got '\(duration)'", field: RequestField.duration)
            }
            return .after(parsed)
        }
        if let expires = try string(RequestField.expires) {
            guard let date = ExpiryDate.parse(expires) else {
                throw .badRequest("'expires' must be \(ExpiryDate.expected)", field: RequestField.expires)
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
        if let keyType = try string(RequestField.keyType), !["default", "llm_api"].contains(keyType) {
            throw .badRequest("key_type '\(keyType)' is not enforced by modelgate; only 'llm_api' and 'default' keys exist here", field: RequestField.keyType)
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
