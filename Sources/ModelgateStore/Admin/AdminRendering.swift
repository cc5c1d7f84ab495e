/// Stored objects as the admin API answers with them (LiteLLM's field names).
///
/// No rendering ever includes a raw key (except `GeneratedKey`, once) or a credential value.

extension StoredKey {
    var json: [String: JSONValue] {
        [
            "token": .string(hash.hex),
            "key_name": .string(keyName),
            "key_alias": .optional(alias),
            "team_id": .optional(teamID),
            "user_id": .optional(userID),
            "models": .strings(models),
            "blocked": .bool(blocked),
            "expires": .optional(expires.map(Timestamp.format)),
            "metadata": .object(metadata),
            "created_at": .string(Timestamp.format(createdAt)),
            "updated_at": .string(Timestamp.format(updatedAt)),
        ]
    }
}

extension GeneratedKey {
    /// `/key/generate`'s answer: the stored fields, `key` (shown this once) and `token_id`.
    var json: [String: JSONValue] {
        var json = stored.json
        json["key"] = .string(key)
        json["token_id"] = .string(stored.hash.hex)
        json["duration"] = .null
        return json
    }
}

extension StoredTeam {
    var json: [String: JSONValue] {
        [
            "team_id": .string(id),
            "team_alias": .optional(alias),
            "models": .strings(models),
            "blocked": .bool(blocked),
            "metadata": .object(metadata),
            "members_with_roles": .array([]),
            "created_at": .string(Timestamp.format(createdAt)),
            "updated_at": .string(Timestamp.format(updatedAt)),
        ]
    }
}

extension StoredUser {
    var json: [String: JSONValue] {
        [
            "user_id": .string(id),
            "user_alias": .optional(alias),
            "user_email": .optional(email),
            "models": .strings(models),
            "metadata": .object(metadata),
            "created_at": .string(Timestamp.format(createdAt)),
            "updated_at": .string(Timestamp.format(updatedAt)),
        ]
    }
}

extension CredentialSummary {
    /// Values appear only as their names, each masked.
    var json: [String: JSONValue] {
        var info = self.info
        if let provider { info["custom_llm_provider"] = .string(provider) }
        return [
            "credential_name": .string(name),
            "credential_info": .object(info),
            "credential_values": .object(Dictionary(uniqueKeysWithValues: (valueNames ?? []).map { ($0, JSONValue.string("***")) })),
        ]
    }
}

extension AdminError {
    /// OpenAI's error shape, as LiteLLM answers: `{"error":{"message","type","param","code"}}`.
    var json: JSONValue {
        .object([
            "error": .object([
                "message": .string(message),
                "type": .string(errorType),
                "param": .optional(param),
                "code": .string(String(status)),
            ]),
        ])
    }
}

/// Anything the admin API answers with, as JSON (the CLI's `--json` prints the same).
public protocol AdminJSONRenderable {
    var adminJSON: JSONValue { get }
}

extension StoredKey: AdminJSONRenderable { public var adminJSON: JSONValue { .object(json) } }
extension StoredTeam: AdminJSONRenderable { public var adminJSON: JSONValue { .object(json) } }
extension StoredUser: AdminJSONRenderable { public var adminJSON: JSONValue { .object(json) } }
extension GeneratedKey: AdminJSONRenderable { public var adminJSON: JSONValue { .object(json) } }
extension CredentialSummary: AdminJSONRenderable { public var adminJSON: JSONValue { .object(json) } }
extension Array: AdminJSONRenderable where Element: AdminJSONRenderable {
    public var adminJSON: JSONValue { .array(map(\.adminJSON)) }
}
