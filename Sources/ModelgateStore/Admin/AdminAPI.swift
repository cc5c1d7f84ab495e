import Foundation
import Logging
import ModelgateCore

/// The admin API of CONTRACT §5, transport-free: the HTTP front hands it every request.
///
/// LiteLLM's request and response shapes; every answer is JSON. Every route needs the master
/// key (401 otherwise), bad input is a 400 naming the field, a missing object a 404, and a
/// storage fault the only 500.
public final class AdminAPI: Sendable {
    /// nil when the policy is read-only (its source is managed elsewhere).
    let operations: AdminOperations?
    let authorization: AdminAuthorization
    let logger: Logger
    /// Read-only mode: every route answers 405 with this message.
    let readOnlyMessage: String?

    init(operations: AdminOperations, masterKey: @escaping @Sendable () -> String?) {
        self.operations = operations
        logger = operations.logger
        readOnlyMessage = nil
        authorization = AdminAuthorization(masterKey: masterKey)
    }

    /// Read-only mode: after the master key check, every route answers 405 `message`.
    init(readOnlyMessage message: String, logger: Logger, masterKey: @escaping @Sendable () -> String?) {
        operations = nil
        self.logger = logger
        readOnlyMessage = message
        authorization = AdminAuthorization(masterKey: masterKey)
    }

    /// Answers an admin route (checking the master key itself), or nil when `path` is not one.
    ///
    /// - Parameters:
    ///   - path: the request path without the query (a `?…` suffix is ignored), already
    ///     percent-decoded once by the front; `/credentials/{name}` takes the rest as the name.
    ///   - query: decoded query parameters.
    public func handle(method: String, path: String, query: [(String, String)], headers: HeaderFields, body: [UInt8]) async -> AdminResponse? {
        let path = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
        guard let route = AdminRoute(path: path) else { return nil }
        // SQLite calls block (up to the busy timeout while the CLI writes), so they run on the
        // admin queue, never on the cooperative pool that serves checks.
        return await withCheckedContinuation { continuation in
            Self.queue.async {
                continuation.resume(returning: self.answer(route, path: path, method: method, query: query, headers: headers, body: body))
            }
        }
    }

    /// One queue for every admin request: writes are serialised anyway by SQLite.
    private static let queue = DispatchQueue(label: "modelgate.admin")

    private func answer(_ route: AdminRoute, path: String, method: String, query: [(String, String)], headers: HeaderFields, body: [UInt8]) -> AdminResponse {
        do throws(AdminError) {
            try authorization.check(headers)
            guard route.methods.contains(method.uppercased()) else {
                throw AdminError(status: 405, message: "\(path) answers \(route.methods.joined(separator: ", ")), not \(method)")
            }
            guard let operations else {
                throw AdminError(status: 405, message: readOnlyMessage ?? "the policy is read-only")
            }
            let answer = try respond(to: route, operations: operations, method: method.uppercased(), query: QueryFields(query), body: body)
            return AdminResponse(status: 200, body: answer.jsonText)
        } catch {
            if error.status == 401 {
                // Who knocks without the master key is worth a line; the token they sent is not.
                logger.warning("admin: request refused", metadata: ["method": "\(LogText.client(method))", "path": "\(LogText.clientTarget(path, rawTarget: path, headers: headers))", "reason": "\(error.message)"])
            }
            return AdminResponse(status: error.status, body: error.json.jsonText)
        }
    }

    private func respond(to route: AdminRoute, operations: AdminOperations, method: String, query: QueryFields, body: [UInt8]) throws(AdminError) -> JSONValue {
        switch route {
        case .keyGenerate:
            return .object(try operations.generateKey(KeyGenerateRequest(RequestFields(body: body))).json)
        case .keyUpdate:
            let key = try operations.updateKey(KeyUpdateRequest(RequestFields(body: body)))
            return .object(key.json)
        case .keyDelete:
            let fields = try RequestFields(body: body)
            let keys = try fields.strings(RequestField.keys) ?? []
            let aliases = try fields.strings(RequestField.keyAliases) ?? []
            _ = try operations.deleteKeys(references: keys, aliases: aliases)
            return .object(["deleted_keys": .strings(keys.isEmpty ? aliases : keys)])
        case .keyInfo:
            let reference = try query.required(RequestField.key)
            return .object([RequestField.key.stringValue: .string(reference), "info": .object(try operations.keyInfo(reference).json)])
        case .keyList:
            let keys = try operations.listKeys(teamID: try query.optional(KeyField.teamID), userID: try query.optional(KeyField.userID))
            let full = try query.optional(RequestField.returnFullObject) == "true"
            return .object([
                "keys": .array(keys.map { full ? .object($0.json) : .string($0.hash.hex) }),
                "total_count": .int(Int64(keys.count)), "current_page": 1, "total_pages": 1,
            ])
        case .keyBlock, .keyUnblock:
            let reference = try RequestFields(body: body).requiredString(RequestField.key)
            return .object(try operations.setKeyBlocked(reference, blocked: route == .keyBlock).json)
        case .teamNew:
            return .object(try operations.newTeam(TeamNewRequest(RequestFields(body: body))).json)
        case .teamUpdate:
            let team = try operations.updateTeam(TeamUpdateRequest(RequestFields(body: body)))
            return Self.updated(TeamField.id, team.id, team.json)
        case .teamBlock, .teamUnblock:
            let teamID = try RequestFields(body: body).requiredString(TeamField.id)
            return .object(try operations.setTeamBlocked(teamID, blocked: route == .teamBlock).json)
        case .teamInfo:
            let info = try operations.teamInfo(try query.required(TeamField.id))
            return Self.info(TeamField.id, info.team.id, ("team_info", info.team.json), keys: info.keys, empty: "team_memberships")
        case .teamDelete:
            let teamIDs = try RequestFields(body: body).strings(RequestField.teamIDs) ?? []
            let keys = try operations.deleteTeams(teamIDs)
            return .object(["deleted_teams": .strings(teamIDs), "deleted_keys": .int(Int64(keys))])
        case .teamList:
            return .array(try operations.listTeams().map { .object($0.json) })
        case .userNew:
            let made = try operations.newUser(UserNewRequest(RequestFields(body: body)))
            var json = made.user.json
            if let key = made.key {
                for (field, value) in key.json where json[field] == nil { json[field] = value }
            } else {
                json[RequestField.key.stringValue] = .null
            }
            return .object(json)
        case .userUpdate:
            let user = try operations.updateUser(UserUpdateRequest(RequestFields(body: body)))
            return Self.updated(UserField.id, user.id, user.json)
        case .userInfo:
            let info = try operations.userInfo(try query.required(UserField.id))
            return Self.info(UserField.id, info.user.id, ("user_info", info.user.json), keys: info.keys, empty: "teams")
        case .userList:
            let users = try operations.listUsers()
            return .object(["users": .array(users.map { .object($0.json) }), "total": .int(Int64(users.count))])
        case .credentials where method == "GET":
            return .object(["success": true, "credentials": .array(try operations.listCredentials().map { .object($0.json) })])
        case .credentials:
            _ = try operations.addCredential(CredentialNewRequest(RequestFields(body: body)))
            return .object(["success": true, "message": "Credential created successfully"])
        case .credential(let name) where method == "DELETE":
            try operations.deleteCredential(name)
            return .object(["success": true, "message": "Credential deleted successfully"])
        case .credential(let name):
            _ = try operations.updateCredential(CredentialPatchRequest(name: name, RequestFields(body: body)))
            return .object(["success": true, "message": "Credential updated successfully"])
        }
    }
}

extension AdminAPI {
    /// `/team/update`, `/user/update`: the id and the record as now stored.
    static func updated(_ idField: some CodingKey, _ id: String, _ record: [String: JSONValue]) -> JSONValue {
        .object([idField.stringValue: .string(id), "data": .object(record)])
    }

    /// `/team/info`, `/user/info`: the id, the record, its keys and an empty list LiteLLM
    /// fills with what modelgate does not keep (memberships).
    static func info(
        _ idField: some CodingKey, _ id: String, _ record: (name: String, json: [String: JSONValue]), keys: [StoredKey], empty: String
    ) -> JSONValue {
        .object([
            idField.stringValue: .string(id), record.name: .object(record.json),
            RequestField.keys.stringValue: .array(keys.map { .object($0.json) }), empty: .array([]),
        ])
    }
}

/// One admin answer: status and JSON body.
public struct AdminResponse: Sendable {
    public var status: Int
    public var body: String
}

/// Decoded query parameters; a parameter given twice is refused, not guessed at.
struct QueryFields {
    let pairs: [(String, String)]
    init(_ pairs: [(String, String)]) { self.pairs = pairs }

    func optional(_ field: some CodingKey) throws(AdminError) -> String? {
        let name = field.stringValue
        let values = pairs.filter { $0.0 == name }.map(\.1)
        guard values.count <= 1 else { throw .badRequest("query parameter '\(name)' is given more than once", param: name) }
        return values.first
    }

    func required(_ field: some CodingKey) throws(AdminError) -> String {
        guard let value = try optional(field), !value.isEmpty else {
            throw .badRequest("query parameter '\(field.stringValue)' is required", field: field)
        }
        return value
    }
}
