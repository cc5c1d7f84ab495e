import Logging
import ModelgateCore

/// Every row of the database, read in one transaction, turned into snapshot material.
struct StoreContents: Sendable {
    var keys: [StoredKey] = []
    var teams: [StoredTeam] = []
    var users: [StoredUser] = []
    var credentials: [StoredCredential] = []

    /// Reads all tables (a damaged row is left out with an error log line by the reader).
    static func load(_ reader: any StorageReader) throws -> StoreContents {
        StoreContents(
            keys: try reader.keys(teamID: nil, userID: nil), teams: try reader.teams(),
            users: try reader.users(), credentials: try reader.credentials())
    }

    /// The snapshot material, and why each stored credential that cannot be decrypted is
    /// unusable. Such a credential stays in the parts with no value and that reason, so it
    /// shadows a config credential of the same name and checks needing it deny
    /// `credential_unavailable` instead of injecting a secret nobody chose.
    func policyParts(cipher: CredentialCipher?, logger: Logger) -> (parts: PolicyParts, unavailable: [String: String]) {
        // One rule per record, shared with the admin writes' changes (PolicyChange+Store).
        var parts = PolicyParts()
        for key in keys {
            if case .keyUpserted(let key) = PolicyChange.stored(key, logger: logger) { parts.keys.append(key) }
        }
        for team in teams {
            if case .teamUpserted(let team) = PolicyChange.stored(team, logger: logger) { parts.teams.append(team) }
        }
        parts.users = users.map { $0.policyUser() }
        parts.credentials = credentials.map { $0.policyCredential(cipher: cipher) }
        var unavailable: [String: String] = [:]
        for credential in parts.credentials {
            if let reason = credential.unavailableReason { unavailable[credential.name] = reason }
        }
        return (parts, unavailable)
    }
}

/// Stored credentials cannot be decrypted without the secret key.
struct MissingSecretKey: Error, CustomStringConvertible {
    var description: String { "it is stored encrypted and \(CredentialCipher.environmentVariable) is not set" }
}

extension StoredKey {
    func policyKey() throws(AdminError) -> VirtualKey {
        VirtualKey(
            hash: hash, alias: alias, teamID: teamID, userID: userID, models: models,
            blocked: blocked, expires: expires, tags: try PolicyMetadata.tags(in: metadata),
            modelConfig: try PolicyMetadata.modelConfig(in: metadata))
    }
}

extension StoredTeam {
    func policyTeam() throws(AdminError) -> Team {
        Team(
            id: id, alias: alias, models: models, blocked: blocked,
            tags: try PolicyMetadata.tags(in: metadata),
            modelConfig: try PolicyMetadata.modelConfig(in: metadata))
    }
}

extension StoredCredential {
    /// The values, decrypted: `credential_values` as stored.
    func values(with cipher: CredentialCipher) throws -> [String: String] {
        let plaintext = try cipher.open(Array(sealedValues), credentialName: name)
        guard case .object(let object)? = JSONValue.parse(plaintext) else {
            throw DamagedRow(column: "encrypted_values")
        }
        var values: [String: String] = [:]
        for (field, value) in object {
            guard let text = value.stringValue else { throw DamagedRow(column: "encrypted_values") }
            values[field] = text
        }
        return values
    }

    func decrypted(with cipher: CredentialCipher) throws -> Credential {
        let values = try values(with: cipher)
        return Credential(
            name: name, provider: provider.map(Provider.init(rawValue:)),
            apiKey: values["api_key"].map(Secret.init))
    }
}
