import Foundation

/// Stored objects as the admin API answers with them (LiteLLM's field names).
///
/// No rendering ever includes a raw key (except `GeneratedKey`, once) or a credential value.

/// A record as its admin JSON: its coding keys, every one present (`null` when unset), times
/// in ISO 8601.
enum RecordJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }()

    static func object<Record: Encodable, Keys: CodingKey & CaseIterable>(_ record: Record, keys: Keys.Type) -> [String: JSONValue] {
        // Encoding these records cannot fail (strings, numbers, dates, JSON values).
        guard let data = try? encoder.encode(record), var object = JSONValue.parse(Array(data))?.objectValue else { return [:] }
        for key in Keys.allCases where object[key.stringValue] == nil { object[key.stringValue] = .null }
        return object
    }
}

extension StoredKey {
    var json: [String: JSONValue] { RecordJSON.object(self, keys: CodingKeys.self) }
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
        var json = RecordJSON.object(self, keys: CodingKeys.self)
        json["members_with_roles"] = .array([])
        return json
    }
}

extension StoredUser {
    var json: [String: JSONValue] { RecordJSON.object(self, keys: CodingKeys.self) }
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
