import Foundation
import GRDB
import ModelgateCore

/// A virtual key as stored: identified by the SHA-256 of the raw key, which is never kept.
public struct StoredKey: Sendable {
    public var hash: KeyHash
    /// LiteLLM's `key_name`: `sk-...` and the key's last four characters.
    public var keyName: String
    public var alias: String?
    public var teamID: String?
    public var userID: String?
    public var models: [String]
    public var blocked: Bool
    public var expires: Date?
    /// Free-form, with `tags` and `model_config` read by policy.
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
}

/// A team as stored.
public struct StoredTeam: Sendable {
    public var id: String
    public var alias: String?
    public var models: [String]
    public var blocked: Bool
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
}

/// An internal user as stored.
public struct StoredUser: Sendable {
    public var id: String
    public var alias: String?
    public var email: String?
    public var models: [String]
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
}

/// A provider credential as stored: its values only as ciphertext.
struct StoredCredential: Sendable {
    var name: String
    /// `credential_info.custom_llm_provider`, kept in its own column for listing.
    var provider: String?
    /// Everything in `credential_info` (not secret).
    var info: [String: JSONValue]
    /// `CredentialCipher` output over the JSON of `credential_values`.
    var sealedValues: [UInt8]
    var createdAt: Date
    var updatedAt: Date
}

// MARK: - GRDB mapping

/// JSON text columns, decoded strictly: a row whose JSON is damaged is reported, not guessed at.
enum JSONColumn {
    static func strings(_ text: String, column: String) throws -> [String] {
        guard case .array(let items)? = JSONValue.parse(text) else { throw DamagedRow(column: column) }
        return try items.map { item in
            guard let value = item.stringValue else { throw DamagedRow(column: column) }
            return value
        }
    }

    static func object(_ text: String, column: String) throws -> [String: JSONValue] {
        guard let object = JSONValue.parse(text)?.objectValue else { throw DamagedRow(column: column) }
        return object
    }

    static func text(_ strings: [String]) -> String { JSONValue.strings(strings).jsonText }
    static func text(_ object: [String: JSONValue]) -> String { JSONValue.object(object).jsonText }
}

/// A stored row that does not decode (edited by hand, or written by a newer modelgate).
struct DamagedRow: Error, CustomStringConvertible {
    var column: String
    var description: String { "column \(column) does not hold what modelgate wrote there" }
}

extension StoredKey: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "virtual_key"

    public init(row: Row) throws {
        guard let hash = KeyHash(hex: try row.decode(String.self, forColumn: "token")) else { throw DamagedRow(column: "token") }
        self.hash = hash
        keyName = try row.decode(forColumn: "key_name")
        alias = try row.decode(forColumn: "key_alias")
        teamID = try row.decode(forColumn: "team_id")
        userID = try row.decode(forColumn: "user_id")
        models = try JSONColumn.strings(row.decode(forColumn: "models"), column: "models")
        blocked = try row.decode(forColumn: "blocked")
        expires = try row.decode(forColumn: "expires")
        metadata = try JSONColumn.object(row.decode(forColumn: "metadata"), column: "metadata")
        createdAt = try row.decode(forColumn: "created_at")
        updatedAt = try row.decode(forColumn: "updated_at")
    }

    public func encode(to container: inout PersistenceContainer) {
        container["token"] = hash.hex
        container["key_name"] = keyName
        container["key_alias"] = alias
        container["team_id"] = teamID
        container["user_id"] = userID
        container["models"] = JSONColumn.text(models)
        container["blocked"] = blocked
        container["expires"] = expires
        container["metadata"] = JSONColumn.text(metadata)
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }
}

extension StoredTeam: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "team"

    public init(row: Row) throws {
        id = try row.decode(forColumn: "team_id")
        alias = try row.decode(forColumn: "team_alias")
        models = try JSONColumn.strings(row.decode(forColumn: "models"), column: "models")
        blocked = try row.decode(forColumn: "blocked")
        metadata = try JSONColumn.object(row.decode(forColumn: "metadata"), column: "metadata")
        createdAt = try row.decode(forColumn: "created_at")
        updatedAt = try row.decode(forColumn: "updated_at")
    }

    public func encode(to container: inout PersistenceContainer) {
        container["team_id"] = id
        container["team_alias"] = alias
        container["models"] = JSONColumn.text(models)
        container["blocked"] = blocked
        container["metadata"] = JSONColumn.text(metadata)
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }
}

extension StoredUser: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "internal_user"

    public init(row: Row) throws {
        id = try row.decode(forColumn: "user_id")
        alias = try row.decode(forColumn: "user_alias")
        email = try row.decode(forColumn: "user_email")
        models = try JSONColumn.strings(row.decode(forColumn: "models"), column: "models")
        metadata = try JSONColumn.object(row.decode(forColumn: "metadata"), column: "metadata")
        createdAt = try row.decode(forColumn: "created_at")
        updatedAt = try row.decode(forColumn: "updated_at")
    }

    public func encode(to container: inout PersistenceContainer) {
        container["user_id"] = id
        container["user_alias"] = alias
        container["user_email"] = email
        container["models"] = JSONColumn.text(models)
        container["metadata"] = JSONColumn.text(metadata)
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }
}

extension StoredCredential: FetchableRecord, PersistableRecord {
    static let databaseTableName = "credential"

    init(row: Row) throws {
        name = try row.decode(forColumn: "credential_name")
        provider = try row.decode(forColumn: "custom_llm_provider")
        info = try JSONColumn.object(row.decode(forColumn: "credential_info"), column: "credential_info")
        let data: Data = try row.decode(forColumn: "encrypted_values")
        sealedValues = Array(data)
        createdAt = try row.decode(forColumn: "created_at")
        updatedAt = try row.decode(forColumn: "updated_at")
    }

    func encode(to container: inout PersistenceContainer) {
        container["credential_name"] = name
        container["custom_llm_provider"] = provider
        container["credential_info"] = JSONColumn.text(info)
        container["encrypted_values"] = Data(sealedValues)
        container["created_at"] = createdAt
        container["updated_at"] = updatedAt
    }
}
