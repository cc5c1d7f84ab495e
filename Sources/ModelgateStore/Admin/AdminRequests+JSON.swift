/// Admin API bodies (LiteLLM's field names) into operation requests.

extension KeyGenerateRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init()
        try body.refuseUnenforceable()
        key = try body.string("key")
        alias = try body.string("key_alias")
        teamID = try body.string("team_id")
        userID = try body.string("user_id")
        models = try body.strings("models") ?? []
        blocked = try body.bool("blocked") ?? false
        expiry = try body.expiry() ?? .never
        metadata = try body.object("metadata") ?? [:]
        tags = try body.strings("tags")
        modelConfig = try body.modelConfig()
    }
}

extension KeyUpdateRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init(key: try body.requiredString("key"))
        try body.refuseUnenforceable()
        alias = try body.string("key_alias")
        teamID = try body.string("team_id")
        userID = try body.string("user_id")
        models = try body.strings("models")
        blocked = try body.bool("blocked")
        expiry = try body.expiry()
        metadata = try body.object("metadata")
        tags = try body.strings("tags")
        modelConfig = try body.modelConfig()
    }
}

extension TeamNewRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init()
        teamID = try body.string("team_id")
        alias = try body.string("team_alias")
        models = try body.strings("models") ?? []
        blocked = try body.bool("blocked") ?? false
        metadata = try body.object("metadata") ?? [:]
        tags = try body.strings("tags")
        modelConfig = try body.modelConfig()
    }
}

extension TeamUpdateRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init(teamID: try body.requiredString("team_id"))
        alias = try body.string("team_alias")
        models = try body.strings("models")
        blocked = try body.bool("blocked")
        metadata = try body.object("metadata")
        tags = try body.strings("tags")
        modelConfig = try body.modelConfig()
    }
}

extension UserNewRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init()
        userID = try body.string("user_id")
        alias = try body.string("user_alias")
        email = try body.string("user_email")
        models = try body.strings("models") ?? []
        metadata = try body.object("metadata") ?? [:]
        createKey = try body.bool("auto_create_key") ?? true
        keyAlias = try body.string("key_alias")
        expiry = try body.expiry() ?? .never
    }
}

extension UserUpdateRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init(userID: try body.requiredString("user_id"))
        alias = try body.string("user_alias")
        email = try body.string("user_email")
        models = try body.strings("models")
        metadata = try body.object("metadata")
    }
}

extension CredentialNewRequest {
    init(_ body: RequestFields) throws(AdminError) {
        let name = try body.requiredString("credential_name")
        guard let values = try body.stringMap("credential_values"), !values.isEmpty else {
            throw .badRequest("'credential_values' is required, e.g. {\"api_key\": \"...\"}", param: "credential_values")
        }
        self.init(name: name, values: values, info: try body.object("credential_info") ?? [:])
    }
}

extension CredentialPatchRequest {
    init(name: String, _ body: RequestFields) throws(AdminError) {
        self.init(name: name)
        newName = try body.string("credential_name")
        values = try body.stringMap("credential_values")
        info = try body.object("credential_info")
    }
}
