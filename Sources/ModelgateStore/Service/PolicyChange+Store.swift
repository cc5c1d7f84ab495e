import Logging
import ModelgateCore

/// The changes a write to modelgate's own database makes, from the records as stored: one
/// rule for turning a row into policy, shared with the full load (`StoreContents`).
extension PolicyChange {
    /// The key as now stored; a delete when its metadata does not load (a full load leaves it
    /// out too).
    static func stored(_ key: StoredKey, logger: Logger) -> PolicyChange {
        do {
            return .keyUpserted(try key.policyKey())
        } catch {
            logger.error("skipping a stored key whose metadata does not load", metadata: [
                "token": "\(key.hash.hex)", "error": "\(error.message)",
            ])
            return .keyDeleted(key.hash)
        }
    }

    /// The team as now stored; a delete when its metadata does not load.
    static func stored(_ team: StoredTeam, logger: Logger) -> PolicyChange {
        do {
            return .teamUpserted(try team.policyTeam())
        } catch {
            logger.error("skipping a stored team whose metadata does not load", metadata: [
                "team_id": "\(team.id)", "error": "\(error.message)",
            ])
            return .teamDeleted(id: team.id)
        }
    }

    static func stored(_ user: StoredUser) -> PolicyChange {
        .userUpserted(user.policyUser())
    }

    static func stored(_ credential: StoredCredential, cipher: CredentialCipher?) -> PolicyChange {
        .credentialUpserted(credential.policyCredential(cipher: cipher))
    }
}

extension StoredUser {
    func policyUser() -> User { User(id: id, models: models) }
}

extension StoredCredential {
    /// The credential decrypted, or, when it cannot be, present with no value and the reason:
    /// it still shadows a config credential of the same name, and checks needing it deny
    /// `credential_unavailable` instead of injecting a secret nobody chose.
    func policyCredential(cipher: CredentialCipher?) -> Credential {
        do {
            guard let cipher else { throw MissingSecretKey() }
            return try decrypted(with: cipher)
        } catch {
            return Credential(
                name: name, provider: provider.map(Provider.init(rawValue:)),
                apiKey: nil, unavailableReason: "\(error)")
        }
    }
}
