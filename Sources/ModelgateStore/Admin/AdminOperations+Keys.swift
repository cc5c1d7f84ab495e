import Foundation
import Logging
import ModelgateCore

extension AdminOperations {
    /// Makes a key (or registers the one supplied) and returns it with what was stored.
    public func generateKey(_ request: KeyGenerateRequest) throws(AdminError) -> GeneratedKey {
        if let supplied = request.key { try VirtualKeys.validateSupplied(supplied) }
        if let alias = request.alias { try Self.requireNonEmpty(alias, KeyField.alias) }
        let metadata = try request.policy.newMetadata()
        let rawKey = request.key ?? VirtualKeys.generate()
        let time = now()
        let stored = StoredKey(
            hash: KeyHash(hashing: rawKey), keyName: VirtualKeys.displayName(of: rawKey),
            alias: request.alias, expires: request.expiry?.date(from: time), models: request.models ?? [],
            userID: request.userID, teamID: request.teamID, metadata: metadata, blocked: request.blocked ?? false,
            createdAt: time, updatedAt: time)
        try write("generate the key") { db in
            if let teamID = stored.teamID { try requireTeam(teamID, db) }
            try Self.requireUniqueAlias(stored.alias, except: nil, db)
            guard try db.key(stored.hash) == nil else {
                throw AdminError.badRequest("this key already exists", field: RequestField.key)
            }
            try db.insert(stored)
        }
        logger.info("admin: key generated", metadata: keyLogMetadata(stored))
        return GeneratedKey(key: rawKey, stored: stored)
    }

    /// Changes the fields given; returns the key as now stored.
    public func updateKey(_ request: KeyUpdateRequest) throws(AdminError) -> StoredKey {
        if let alias = request.alias { try Self.requireNonEmpty(alias, KeyField.alias) }
        let hash = VirtualKeys.hash(ofReference: request.key)
        let time = now()
        let updated: StoredKey = try write("update the key") { db in
            var key = try Self.fetchKey(hash, db)
            if let alias = request.alias {
                try Self.requireUniqueAlias(alias, except: hash, db)
                key.alias = alias
            }
            if let teamID = request.teamID {
                try requireTeam(teamID, db)
                key.teamID = teamID
            }
            if let userID = request.userID { key.userID = userID }
            if let expiry = request.expiry { key.expires = expiry.date(from: time) }
            try request.policy.apply(to: &key)
            key.updatedAt = time
            try db.update(key)
            return key
        }
        logger.info("admin: key updated", metadata: keyLogMetadata(updated))
        return updated
    }

    /// Sets or clears `blocked`.
    public func setKeyBlocked(_ reference: String, blocked: Bool) throws(AdminError) -> StoredKey {
        var request = KeyUpdateRequest(key: reference)
        request.blocked = blocked
        return try updateKey(request)
    }

    /// Deletes the keys named by raw key or hash, and those with the given aliases. Answers 404
    /// when none of them exists (as LiteLLM); otherwise deletes those that do.
    public func deleteKeys(references: [String], aliases: [String]) throws(AdminError) -> Int {
        guard !references.isEmpty || !aliases.isEmpty else {
            throw .badRequest("give the keys to delete in 'keys' or 'key_aliases'", field: RequestField.keys)
        }
        let hashes = references.map { VirtualKeys.hash(ofReference: $0) }
        let deleted: Int = try write("delete the keys") { db in
            var gone = Set<KeyHash>()
            for hash in hashes where try db.key(hash) != nil { gone.insert(hash) }
            if !aliases.isEmpty { gone.formUnion(try db.keys(aliases: aliases).map(\.hash)) }
            guard !gone.isEmpty else { throw AdminError.notFound("no such key", field: RequestField.keys) }
            try db.deleteKeys(Array(gone))
            return gone.count
        }
        logger.info("admin: keys deleted", metadata: ["count": "\(deleted)"])
        return deleted
    }

    /// The stored key named by raw key or hash.
    public func keyInfo(_ reference: String) throws(AdminError) -> StoredKey {
        let hash = VirtualKeys.hash(ofReference: reference)
        return try read("read the key") { db in try Self.fetchKey(hash, db) }
    }

    /// Stored keys, oldest first, optionally only a team's or a user's.
    public func listKeys(teamID: String? = nil, userID: String? = nil) throws(AdminError) -> [StoredKey] {
        try read("list the keys") { db in try db.keys(teamID: teamID, userID: userID) }
    }

    static func fetchKey(_ hash: KeyHash, _ db: any StorageReader) throws -> StoredKey {
        try found(db.key(hash), "no such key", RequestField.key)
    }

    /// LiteLLM keeps key aliases unique; so do we, since the CLI deletes by alias.
    static func requireUniqueAlias(_ alias: String?, except hash: KeyHash?, _ db: any StorageReader) throws {
        guard let alias else { return }
        if try db.keyAliasTaken(alias, except: hash) {
            throw AdminError.badRequest("key_alias '\(alias)' is already used by another key", field: KeyField.alias)
        }
    }

    /// What an admin log line says about a key: never the key, only its public names.
    func keyLogMetadata(_ key: StoredKey) -> [String: Logger.MetadataValue] {
        [
            KeyField.keyName.stringValue: "\(key.keyName)", KeyField.alias.stringValue: "\(key.alias ?? "")",
            KeyField.teamID.stringValue: "\(key.teamID ?? "")", KeyField.userID.stringValue: "\(key.userID ?? "")",
        ]
    }
}
