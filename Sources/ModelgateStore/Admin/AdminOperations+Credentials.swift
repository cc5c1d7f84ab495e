import Foundation

extension AdminOperations {
    /// Encrypts and stores a credential. Refused without `MODELGATE_SECRET_KEY`.
    public func addCredential(_ request: CredentialNewRequest) throws(AdminError) -> CredentialSummary {
        try Self.requireNonEmpty(request.name, CredentialField.name)
        let cipher = try requireCipher()
        let provider = try Self.provider(in: request.info)
        let sealed = try seal(request.values, name: request.name, with: cipher)
        let time = now()
        let credential = StoredCredential(
            name: request.name, provider: provider, info: request.info, sealedValues: sealed,
            createdAt: time, updatedAt: time)
        try write("store the credential") { db in
            guard try db.credential(credential.name) == nil else {
                throw AdminError.badRequest(
                    "credential '\(credential.name)' already exists; use PATCH /credentials/\(credential.name) to change it",
                    field: CredentialField.name)
            }
            try db.insert(credential)
        }
        logger.info("admin: credential stored", metadata: [CredentialField.name.stringValue: "\(credential.name)", "provider": "\(provider ?? "")"])
        return CredentialSummary(name: credential.name, provider: provider, info: credential.info, valueNames: request.values.keys.sorted())
    }

    /// Merges the given values and info into the stored credential (LiteLLM's PATCH), renaming
    /// it when a new name is given. Values are re-encrypted, so this needs the secret key.
    public func updateCredential(_ request: CredentialPatchRequest) throws(AdminError) -> CredentialSummary {
        let cipher = try requireCipher()
        if let newName = request.newName { try Self.requireNonEmpty(newName, CredentialField.name) }
        let time = now()
        let updated: (StoredCredential, [String]) = try write("update the credential") { db in
            guard var credential = try db.credential(request.name) else {
                throw AdminError.notFound("no such credential: '\(request.name)'", field: CredentialField.name)
            }
            var values: [String: String]
            do {
                values = try credential.values(with: cipher)
            } catch {
                throw AdminError.badRequest("credential '\(request.name)' cannot be decrypted to merge into: \(error)")
            }
            values.merge(request.values ?? [:]) { _, new in new }
            if let info = request.info {
                credential.info.merge(info) { _, new in new }
                credential.provider = try Self.provider(in: credential.info)
            }
            let newName = request.newName ?? credential.name
            credential.sealedValues = try seal(values, name: newName, with: cipher)
            credential.updatedAt = time
            if newName != credential.name {
                guard try db.credential(newName) == nil else {
                    throw AdminError.badRequest("credential '\(newName)' already exists", field: CredentialField.name)
                }
                _ = try db.deleteCredential(credential.name)
                credential.name = newName
                try db.insert(credential)
            } else {
                try db.update(credential)
            }
            return (credential, values.keys.sorted())
        }
        logger.info("admin: credential updated", metadata: [CredentialField.name.stringValue: "\(updated.0.name)"])
        return CredentialSummary(name: updated.0.name, provider: updated.0.provider, info: updated.0.info, valueNames: updated.1)
    }

    /// Deletes a stored credential; a key or team still naming it then denies
    /// `credential_unavailable`.
    public func deleteCredential(_ name: String) throws(AdminError) {
        try write("delete the credential") { db in
            guard try db.deleteCredential(name) else {
                throw AdminError.notFound("no such credential: '\(name)'", field: CredentialField.name)
            }
        }
        logger.info("admin: credential deleted", metadata: [CredentialField.name.stringValue: "\(name)"])
    }

    /// Stored credentials by name, without their values.
    public func listCredentials() throws(AdminError) -> [CredentialSummary] {
        let credentials = try read("list the credentials") { db in try db.credentials() }
        return credentials.map { credential in
            let names = cipher.flatMap { try? credential.values(with: $0).keys.sorted() }
            return CredentialSummary(name: credential.name, provider: credential.provider, info: credential.info, valueNames: names)
        }
    }

    private func requireCipher() throws(AdminError) -> CredentialCipher {
        guard let cipher else { throw .badRequest(missingSecretKeyMessage) }
        return cipher
    }

    private func seal(_ values: [String: String], name: String, with cipher: CredentialCipher) throws(AdminError) -> Data {
        let plaintext = Array(JSONValue.object(values.mapValues(JSONValue.string)).jsonText.utf8)
        do {
            return Data(try cipher.seal(plaintext, credentialName: name))
        } catch {
            logger.error("credential encryption failed", metadata: [CredentialField.name.stringValue: "\(name)"])
            throw AdminError(status: 500, message: "the credential could not be encrypted; see the service log")
        }
    }

    /// `credential_info.custom_llm_provider`, which must be a string when given.
    static func provider(in info: [String: JSONValue]) throws(AdminError) -> String? {
        switch info[CredentialField.provider.stringValue] {
        case nil, .null?: return nil
        case .string(let provider)?: return provider
        case let other?:
            throw .badRequest("credential_info.custom_llm_provider must be a string, not a \(other.typeName)", field: CredentialField.info)
        }
    }
}
