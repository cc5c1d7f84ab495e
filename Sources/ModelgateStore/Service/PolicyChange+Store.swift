import Logging
import ModelgateCore

/// The changes a write to modelgate's own database makes, from the records as stored: one
/// rule for turning a row into policy, shared with the full load (`StoreContents`).
extension PolicyChange {
    /// The key as now stored; a delete when its metadata does not load (a full load leaves it
    /// out too).
    static func stored(_ key: StoredKey, logger: Logger) -> PolicyChange {
        loading("key", at: ["token": "\(key.hash.hex)"], else: .keyDeleted(key.hash), logger: logger) { () throws(AdminError) in
            .keyUpserted(try key.policyKey())
        }
    }

    /// The team as now stored; a delete when its metadata does not load.
    static func stored(_ team: StoredTeam, logger: Logger) -> PolicyChange {
        loading("team", at: ["team_id": "\(team.id)"], else: .teamDeleted(id: team.id), logger: logger) { () throws(AdminError) in
            .teamUpserted(try team.policyTeam())
        }
    }

    /// `change`, or `fallback` with an error logged at `place` when the record does not load.
    private static func loading(
        _ kind: String, at place: Logger.Metadata, else fallback: PolicyChange, logger: Logger,
        _ change: () throws(AdminError) -> PolicyChange
    ) -> PolicyChange {
        do {
            return try change()
        } catch {
            logger.error("skipping a stored \(kind) whose metadata does not load", metadata: place.merging(["error": "\(error.message)"]) { $1 })
            return fallback
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
