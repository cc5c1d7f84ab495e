import Foundation
import ModelgateCore

extension AdminOperations {
    /// Creates a user and, unless `createKey` is false, a key bound to it (LiteLLM's
    /// `/user/new` does both).
    public func newUser(_ request: UserNewRequest) throws(AdminError) -> (user: StoredUser, key: GeneratedKey?) {
        if let userID = request.userID { try Self.requireNonEmpty(userID, UserField.id) }
        let time = now()
        let user = StoredUser(
            id: request.userID ?? UUID().uuidString.lowercased(), alias: request.alias, email: request.email,
            models: request.models ?? [], metadata: request.metadata ?? [:], createdAt: time, updatedAt: time)
        let key = request.createKey ? VirtualKeys.generate() : nil
        let generated = key.map { raw in
            GeneratedKey(key: raw, stored: StoredKey(
                hash: KeyHash(hashing: raw), keyName: VirtualKeys.displayName(of: raw), alias: request.keyAlias,
                expires: request.expiry.date(from: time), models: [], userID: user.id, teamID: nil,
                metadata: [:], blocked: false, createdAt: time, updatedAt: time))
        }
        try write("create the user") { db in
            guard try db.user(user.id) == nil else {
                throw AdminError.badRequest("user_id '\(user.id)' already exists; use /user/update to change it", field: UserField.id)
            }
            try db.insert(user)
            if let generated {
                try Self.requireUniqueAlias(generated.stored.alias, except: nil, db)
                try db.insert(generated.stored)
            }
        }
        logger.info("admin: user created", metadata: [UserField.id.stringValue: "\(user.id)", "key_created": "\(generated != nil)"])
        return (user, generated)
    }

    /// Changes the fields given; returns the user as now stored.
    public func updateUser(_ request: UserUpdateRequest) throws(AdminError) -> StoredUser {
        let time = now()
        let user: StoredUser = try write("update the user") { db in
            var user = try Self.fetchUser(request.userID, db)
            if let alias = request.alias { user.alias = alias }
            if let email = request.email { user.email = email }
            if let models = request.models { user.models = models }
            if let metadata = request.metadata { user.metadata = metadata }
            user.updatedAt = time
            try db.update(user)
            return user
        }
        logger.info("admin: user updated", metadata: [UserField.id.stringValue: "\(user.id)"])
        return user
    }

    /// The user and the keys bound to it.
    public func userInfo(_ userID: String) throws(AdminError) -> (user: StoredUser, keys: [StoredKey]) {
        try read("read the user") { db in
            let user = try Self.fetchUser(userID, db)
            let keys = try db.keys(teamID: nil, userID: userID)
            return (user, keys)
        }
    }

    /// Stored users, oldest first.
    public func listUsers() throws(AdminError) -> [StoredUser] {
        try read("list the users") { db in try db.users() }
    }

    static func fetchUser(_ userID: String, _ db: any StorageReader) throws -> StoredUser {
        try found(db.user(userID), "no such user: '\(userID)'", UserField.id)
    }
}
