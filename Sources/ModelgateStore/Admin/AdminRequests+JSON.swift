/// Admin API bodies (LiteLLM's field names) into operation requests. Each field is read in one
/// place, named by the records' `CodingKeys` or `RequestField`.

extension ModelListRequest {
    mutating func readModelList(_ body: RequestFields) throws(AdminError) {
        models = try body.strings(KeyField.models)
        metadata = try body.object(KeyField.metadata)
    }
}

extension PolicyFields {
    mutating func read(_ body: RequestFields) throws(AdminError) {
        try readModelList(body)
        blocked = try body.bool(KeyField.blocked)
        tags = try body.strings(RequestField.tags)
        modelConfig = try body.modelConfig()
    }
}

extension UserFieldsRequest {
    mutating func readUserFields(_ body: RequestFields) throws(AdminError) {
        try readModelList(body)
        alias = try body.string(UserField.alias)
        email = try body.string(UserField.email)
    }
}

/// A request's identifying field: optional when it creates (`String?`), required when it
/// changes (`String`).
protocol RequestReference {
    static func read(_ field: some CodingKey, from body: RequestFields) throws(AdminError) -> Self
}

extension String?: RequestReference {
    static func read(_ field: some CodingKey, from body: RequestFields) throws(AdminError) -> String? { try body.string(field) }
}

extension String: RequestReference {
    static func read(_ field: some CodingKey, from body: RequestFields) throws(AdminError) -> String { try body.requiredString(field) }
}

extension KeyRequest where Reference: RequestReference {
    /// Also refuses the key fields modelgate cannot enforce.
    init(_ body: RequestFields) throws(AdminError) {
        self.init(key: try Reference.read(RequestField.key, from: body))
        try body.refuseUnenforceable()
        alias = try body.string(KeyField.alias)
        teamID = try body.string(KeyField.teamID)
        userID = try body.string(KeyField.userID)
        expiry = try body.expiry()
        try policy.read(body)
    }
}

extension TeamRequest where ID: RequestReference {
    init(_ body: RequestFields) throws(AdminError) {
        self.init(teamID: try ID.read(TeamField.id, from: body))
        alias = try body.string(TeamField.alias)
        try policy.read(body)
    }
}

extension UserNewRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init()
        userID = try .read(UserField.id, from: body)
        try readUserFields(body)
        createKey = try body.bool(RequestField.autoCreateKey) ?? true
        keyAlias = try body.string(KeyField.alias)
        expiry = try body.expiry() ?? .never
    }
}

extension UserUpdateRequest {
    init(_ body: RequestFields) throws(AdminError) {
        self.init(userID: try .read(UserField.id, from: body))
        try readUserFields(body)
    }
}

extension CredentialNewRequest {
    init(_ body: RequestFields) throws(AdminError) {
        let name = try body.requiredString(CredentialField.name)
        guard let values = try body.stringMap(RequestField.credentialValues), !values.isEmpty else {
            throw .badRequest("'credential_values' is required, e.g. {\"api_key\": \"...\"}", field: RequestField.credentialValues)
        }
        self.init(name: name, values: values, info: try body.object(CredentialField.info) ?? [:])
    }
}

extension CredentialPatchRequest {
    init(name: String, _ body: RequestFields) throws(AdminError) {
        self.init(name: name)
        newName = try body.string(CredentialField.name)
        values = try body.stringMap(RequestField.credentialValues)
        info = try body.object(CredentialField.info)
    }
}
