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

    /// `extra` fields are added to the record's own.
    static func object<Record: Encodable, Keys: CodingKey & CaseIterable>(
        _ record: Record, keys: Keys.Type, adding extra: [String: JSONValue] = [:]
    ) -> [String: JSONValue] {
        // Encoding these records cannot fail (strings, numbers, dates, JSON values).
        guard let data = try? encoder.encode(record), var object = JSONValue.parse(Array(data))?.objectValue else { return [:] }
        for key in Keys.allCases where object[key.stringValue] == nil { object[key.stringValue] = .null }
        return object.merging(extra) { _, added in added }
    }
}

extension StoredKey {
    var json: [String: JSONValue] { RecordJSON.object(self, keys: CodingKeys.self) }
}

extension StoredTeam {
    var json: [String: JSONValue] { RecordJSON.object(self, keys: CodingKeys.self, adding: ["members_with_roles": .array([])]) }
}

extension StoredUser {
    var json: [String: JSONValue] { RecordJSON.object(self, keys: CodingKeys.self) }
}

extension GeneratedKey {
    /// `/key/generate`'s answer: the stored fields, `key` (shown this once) and `token_id`.
    var json: [String: JSONValue] {
        RecordJSON.object(stored, keys: KeyField.self, adding: [
            RequestField.key.stringValue: .string(key), "token_id": .string(stored.hash.hex), RequestField.duration.stringValue: .null,
        ])
    }
}

extension CredentialSummary {
    /// Values appear only as their names, each masked.
    var json: [String: JSONValue] {
        var info = self.info
        if let provider { info[CredentialField.provider.stringValue] = .string(provider) }
        return [
            CredentialField.name.stringValue: .string(name),
            CredentialField.info.stringValue: .object(info),
            RequestField.credentialValues.stringValue: .object(Dictionary(uniqueKeysWithValues: (valueNames ?? []).map { ($0, JSONValue.string("***")) })),
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
