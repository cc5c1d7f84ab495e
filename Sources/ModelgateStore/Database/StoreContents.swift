import GRDB
import Logging
import ModelgateCore

/// Every row of the database, read in one transaction, turned into snapshot material.
struct StoreContents: Sendable {
    var keys: [StoredKey] = []
    var teams: [StoredTeam] = []
    var users: [StoredUser] = []
    var credentials: [StoredCredential] = []

    /// Reads all tables. A row that does not decode is left out with an error log line (so a
    /// damaged key denies rather than takes the whole store down).
    static func load(_ db: Database, logger: Logger) throws -> StoreContents {
        var contents = StoreContents()
        contents.keys = try fetchEach(StoredKey.self, db, logger: logger)
        contents.teams = try fetchEach(StoredTeam.self, db, logger: logger)
        contents.users = try fetchEach(StoredUser.self, db, logger: logger)
        contents.credentials = try fetchEach(StoredCredential.self, db, logger: logger)
        return contents
    }

    private static func fetchEach<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ db: Database, logger: Logger
    ) throws -> [Record] {
        var records: [Record] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(Record.databaseTableName) ORDER BY rowid")
        var position = 0
        while let row = try rows.next() {
            position += 1
            do {
                records.append(try Record(row: row))
            } catch {
                // Only the position: a key row's identity is its hash, which is fine to log, but a
                // damaged row may hold anything.
                logger.error("skipping a damaged database row", metadata: [
                    "table": "\(Record.databaseTableName)", "row": "\(position)", "error": "\(error)",
                ])
            }
        }
        return records
    }

    /// The snapshot material, and why each stored credential that cannot be decrypted is
    /// unusable. Such a credential stays in the parts with no value and that reason, so it
    /// shadows a config credential of the same name and checks needing it deny
    /// `credential_unavailable` instead of injecting a secret nobody chose.
    func policyParts(cipher: CredentialCipher?, logger: Logger) -> (parts: PolicyParts, unavailable: [String: String]) {
        var parts = PolicyParts()
        for key in keys {
            do {
                parts.keys.append(try key.policyKey())
            } catch {
                logger.error("skipping a stored key whose metadata does not load", metadata: [
                    "token": "\(key.hash.hex)", "error": "\(error.message)",
                ])
            }
        }
        for team in teams {
            do {
                parts.teams.append(try team.policyTeam())
            } catch {
                logger.error("skipping a stored team whose metadata does not load", metadata: [
                    "team_id": "\(team.id)", "error": "\(error.message)",
                ])
            }
        }
        parts.users = users.map { User(id: $0.id, models: $0.models) }
        var unavailable: [String: String] = [:]
        for credential in credentials {
            do {
                guard let cipher else { throw MissingSecretKey() }
                parts.credentials.append(try credential.decrypted(with: cipher))
            } catch {
                let reason = "\(error)"
                unavailable[credential.name] = reason
                parts.credentials.append(Credential(
                    name: credential.name, provider: credential.provider.map(Provider.init(rawValue:)),
                    apiKey: nil, unavailableReason: reason))
            }
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
        let plaintext = try cipher.open(sealedValues, credentialName: name)
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
