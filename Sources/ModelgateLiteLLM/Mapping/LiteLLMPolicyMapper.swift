import Foundation
import ModelgateConfig
import ModelgateCore

/// LiteLLM's rows as modelgate policy, with LiteLLM's meaning (checked against LiteLLM 1.108.10's
/// `litellm.proxy.auth.auth_checks`; Tests/litellm/make_rule_vectors.py):
///
/// - a key's `models`: empty means the team's models (the team level decides), or every model
///   without a team; `all-team-models` likewise (LiteLLM skips the key's own check); a key whose
///   `config` is not empty skips its own check too, as in LiteLLM;
/// - `all-proxy-models`, `*`, access groups (`model_info.access_groups`) and wildcards are read by
///   the core's `Allowlist`, as for every other source;
/// - `blocked` is nullable (null is not blocked); a blocked team blocks its keys (the core);
/// - teams: `models`, `blocked`, `metadata.tags`, `metadata.model_config`, and each member's own
///   `allowed_models` (`LiteLLM_TeamMembership` → `LiteLLM_BudgetTable`), which a key of the team
///   bound to that user must pass too, as LiteLLM's `check_team_member_model_access`;
/// - users: `models`, which LiteLLM applies only to keys without a team (`userModelsApply`);
/// - rotated keys (`LiteLLM_DeprecatedVerificationToken`): the active key's rights, ending at
///   `revoke_at`;
/// - DB models and credentials: values opened with `LiteLLMCipher`, then read by the config
///   file's own reader (provider, route prefixes, access groups, tags, `os.environ/`), so both
///   sources read a deployment the same way. A value that does not open makes that deployment or
///   credential unavailable (`credential_unavailable` when chosen) and one problem line names the
///   row, never a value.
public struct LiteLLMPolicyMapper: Sendable {
    /// nil when no salt key is set: every encrypted value is then unavailable.
    public let cipher: LiteLLMCipher?
    /// Resolves `os.environ/NAME` in decrypted values, as LiteLLM does.
    public let environment: [String: String]

    public init(cipher: LiteLLMCipher?, environment: [String: String]) {
        self.cipher = cipher
        self.environment = environment
    }

    /// A row that could not be used, named by table and id; never a value.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var table: String
        public var row: String
        public var message: String
        public var description: String { "\(table) \(row): \(message)" }
    }

    /// The policy parts of `contents`: keys (rotated ones included), teams, users, DB
    /// deployments and credentials; and one problem per row that could not be used as stored.
    public func parts(_ contents: LiteLLMContents) -> (parts: PolicyParts, problems: [Problem]) {
        var problems: [Problem] = []
        var keys: [VirtualKey] = []
        keys.reserveCapacity(contents.keys.count + contents.deprecatedKeys.count)
        var active: [KeyHash: VirtualKey] = [:]
        for row in contents.keys {
            switch key(row) {
            case .success(let key):
                keys.append(key)
                if !contents.deprecatedKeys.isEmpty { active[key.hash] = key }
            case .failure(let problem): problems.append(problem)
            }
        }
        for row in contents.deprecatedKeys {
            switch rotatedKey(row, active: { active[$0] }) {
            case .success(let key?): keys.append(key)
            case .success(nil): continue
            case .failure(let problem): problems.append(problem)
            }
        }
        var teams: [Team] = []
        let members = Self.memberModels(contents.teamMembers)
        for row in contents.teams {
            switch team(row, members: members[row.teamID] ?? [:]) {
            case .success(let team): teams.append(team)
            case .failure(let problem): problems.append(problem)
            }
        }
        let users = contents.users.map(user)
        var deployments: [Deployment] = []
        for row in contents.models where !row.blocked {
            let (deployment, problem) = self.deployment(row)
            deployments.append(contentsOf: deployment)
            if let problem { problems.append(problem) }
        }
        var credentials: [Credential] = []
        for row in contents.credentials {
            let (credential, problem) = self.credential(row)
            credentials.append(contentsOf: credential)
            if let problem { problems.append(problem) }
        }
        return (PolicyParts(deployments: deployments, keys: keys, teams: teams, users: users, credentials: credentials), problems)
    }

    /// The config's parts with LiteLLM's database merged in as LiteLLM merges it: the config's
    /// deployments first, then the database's; credentials, keys, teams and users by name or id,
    /// the database's winning. Settings stay the config's, with users' `models` applied as
    /// LiteLLM applies them.
    public static func merge(config: PolicyParts, database: PolicyParts) -> PolicyParts {
        var merged = config.merging(database)
        merged.deployments = config.deployments + database.deployments
        merged.settings.userModelsApplyToTeamKeys = false
        return merged
    }

    // MARK: Keys

    public func key(_ row: LiteLLMKeyRow) -> Result<VirtualKey, Problem> {
        let name = "key '\(row.keyAlias ?? "unnamed")'"
        guard row.token.utf8.count == 64, let hash = KeyHash(hex: row.token.lowercased()) else {
            return .failure(Problem(table: "LiteLLM_VerificationToken", row: name, message: "token is not a hex SHA-256; the row is skipped"))
        }
        let metadata: (tags: [String], modelConfig: ModelConfig)
        switch Self.policyMetadata(row.metadata) {
        case .success(let read): metadata = read
        case .failure(let problem):
            return .failure(Problem(table: "LiteLLM_VerificationToken", row: name, message: "\(problem); the key is refused"))
        }
        return .success(VirtualKey(
            hash: hash, alias: row.keyAlias, teamID: row.teamID, userID: row.userID,
            models: Self.keyModels(row), blocked: row.blocked, expires: row.expires,
            tags: metadata.tags, modelConfig: metadata.modelConfig))
    }

    /// The key's own allowlist as LiteLLM enforces it (`can_key_call_resolved_model`): none (the
    /// team's decides) when the key names `all-team-models` or has a non-empty `config`.
    static func keyModels(_ row: LiteLLMKeyRow) -> [String] {
        if row.models.contains(allTeamModels) { return [] }
        if let config = row.config, let object = Self.jsonObject(config), !object.isEmpty { return [] }
        return row.models
    }

    static let allTeamModels = "all-team-models"

    /// A rotated-out key: the active key's rights until `revoke_at`; nil when the active key is
    /// gone (LiteLLM then finds no key either).
    public func rotatedKey(_ row: LiteLLMDeprecatedKeyRow, active: (KeyHash) -> VirtualKey?) -> Result<VirtualKey?, Problem> {
        guard row.token.utf8.count == 64, let hash = KeyHash(hex: row.token.lowercased()),
              row.activeToken.utf8.count == 64, let activeHash = KeyHash(hex: row.activeToken.lowercased()) else {
            return .failure(Problem(table: "LiteLLM_DeprecatedVerificationToken", row: "a row", message: "token or active_token_id is not a hex SHA-256; the row is skipped"))
        }
        guard var key = active(activeHash) else { return .success(nil) }
        key.hash = hash
        key.expires = min(key.expires ?? row.revokeAt, row.revokeAt)
        return .success(key)
    }

    // MARK: Teams and users

    /// `members`: the team's members' own model lists, by user id (`memberModels`).
    public func team(_ row: LiteLLMTeamRow, members: [String: [String]] = [:]) -> Result<Team, Problem> {
        switch Self.policyMetadata(row.metadata) {
        case .success(let metadata):
            return .success(Team(
                id: row.teamID, alias: row.teamAlias, models: row.models, blocked: row.blocked,
                tags: metadata.tags, modelConfig: metadata.modelConfig, memberModels: members))
        case .failure(let problem):
            // Left out, so its keys are denied (a key bound to a team that is not there is closed).
            return .failure(Problem(table: "LiteLLM_TeamTable", row: "team '\(row.teamID)'", message: "\(problem); the team's keys are refused"))
        }
    }

    /// Members' own model lists by team id, then user id.
    public static func memberModels(_ rows: [LiteLLMTeamMemberRow]) -> [String: [String: [String]]] {
        var lists: [String: [String: [String]]] = [:]
        for row in rows where !row.allowedModels.isEmpty { lists[row.teamID, default: [:]][row.userID] = row.allowedModels }
        return lists
    }

    public func user(_ row: LiteLLMUserRow) -> User {
        User(id: row.userID, models: row.models)
    }

    /// `metadata.tags` (a list of strings) and `metadata.model_config` (read by the config's reader).
    static func policyMetadata(_ text: String?) -> Result<(tags: [String], modelConfig: ModelConfig), MetadataProblem> {
        guard let text, !text.isEmpty else { return .success(([], .none)) }
        guard let object = jsonObject(text) else { return .failure(MetadataProblem("metadata is not a JSON object")) }
        var tags: [String] = []
        switch object["tags"] {
        case nil, is NSNull: break
        case let list as [Any]:
            for item in list {
                guard let tag = item as? String else { return .failure(MetadataProblem("metadata.tags holds a value that is not a string")) }
                tags.append(tag)
            }
        default: return .failure(MetadataProblem("metadata.tags is not a list"))
        }
        var modelConfig = ModelConfig.none
        if let value = object["model_config"], !(value is NSNull) {
            switch ModelConfigReader.read(json: value) {
            case .success(let config): modelConfig = config
            case .failure(let error): return .failure(MetadataProblem("metadata.\(error.problems.first?.location ?? "model_config") is not a model_config LiteLLM reads"))
            }
        }
        return .success((tags, modelConfig))
    }

    struct MetadataProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func jsonObject(_ text: String) -> [String: Any]? {
        guard let data = text.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any]
    }

    // MARK: Models and credentials

    /// Marks a deployment whose stored values do not all open: choosing it denies
    /// `credential_unavailable`.
    static let unavailableProvider = Provider("litellm-unavailable")

    /// The deployment of a `LiteLLM_ProxyModelTable` row, and the problem when it is unavailable.
    public func deployment(_ row: LiteLLMModelRow) -> ([Deployment], Problem?) {
        let rowName = "model_id '\(row.modelID)' (model_name '\(row.modelName)')"
        func problem(_ message: String) -> Problem { Problem(table: "LiteLLM_ProxyModelTable", row: rowName, message: message) }
        guard let params = Self.jsonObject(row.litellmParams) else {
            return ([unavailable(row, because: "its litellm_params are not a JSON object")], problem("litellm_params is not a JSON object; the deployment is unavailable"))
        }
        let (opened, unopened) = open(params)
        if opened["model"] == nil {
            let reason = unopened.contains("model") ? "litellm_params.model does not decrypt" : "litellm_params.model is missing"
            return ([unavailable(row, because: reason)], problem("\(reason) (\(decryptionHint)); the deployment is unavailable"))
        }
        var entry: [String: Any] = ["model_name": row.modelName, "litellm_params": opened]
        if let info = row.modelInfo, let object = Self.jsonObject(info) { entry["model_info"] = object }
        let parsed: [Deployment]
        do {
            parsed = try configDocument(["model_list": [entry]]).parts.deployments
        } catch {
            return ([unavailable(row, because: "its litellm_params are not a deployment LiteLLM serves")],
                    problem("not a deployment the config reader accepts (\(error.problems.map(\.location).joined(separator: ", "))); the deployment is unavailable"))
        }
        guard unopened.isEmpty else {
            let names = unopened.sorted().joined(separator: ", ")
            let marked = parsed.map { deployment in
                Deployment(
                    groupName: deployment.groupName, provider: deployment.provider, modelID: deployment.modelID,
                    litellmModel: deployment.litellmModel, apiKey: nil,
                    unresolvedAPIKey: "a LiteLLM-encrypted value that does not decrypt (\(rowName))",
                    credentialName: nil, tags: deployment.tags, accessGroups: deployment.accessGroups)
            }
            return (marked, problem("litellm_params \(names) do not decrypt (\(decryptionHint)); the deployment is unavailable"))
        }
        return (parsed, nil)
    }

    /// A placeholder under the row's group, so asking for the group is answered
    /// `credential_unavailable` rather than `model_not_found`.
    private func unavailable(_ row: LiteLLMModelRow, because reason: String) -> Deployment {
        Deployment(
            groupName: row.modelName, provider: Self.unavailableProvider, modelID: row.modelID, litellmModel: "",
            unresolvedAPIKey: "LiteLLM_ProxyModelTable model_id '\(row.modelID)': \(reason)")
    }

    /// The credential of a `LiteLLM_CredentialsTable` row, and the problem when it is unavailable.
    public func credential(_ row: LiteLLMCredentialRow) -> ([Credential], Problem?) {
        let rowName = "credential '\(row.credentialName)'"
        func problem(_ message: String) -> Problem { Problem(table: "LiteLLM_CredentialsTable", row: rowName, message: message) }
        var entry: [String: Any] = ["credential_name": row.credentialName]
        if let info = row.credentialInfo, let object = Self.jsonObject(info) { entry["credential_info"] = object }
        guard let values = Self.jsonObject(row.credentialValues) else {
            return ([Credential(name: row.credentialName, unavailableReason: "credential_values is not a JSON object")], problem("credential_values is not a JSON object; the credential is unavailable"))
        }
        let (opened, unopened) = open(values)
        entry["credential_values"] = opened
        var credential: Credential
        do {
            guard let read = try configDocument(["credential_list": [entry]]).parts.credentials.first else { throw ConfigError(problems: []) }
            credential = read
        } catch {
            return ([Credential(name: row.credentialName, unavailableReason: "the row is not a credential LiteLLM reads")],
                    problem("not a credential the config reader accepts; the credential is unavailable"))
        }
        guard unopened.isEmpty else {
            credential.apiKey = nil
            credential.unavailableReason = "credential_values \(unopened.sorted().joined(separator: ", ")) do not decrypt"
            return ([credential], problem("credential_values \(unopened.sorted().joined(separator: ", ")) do not decrypt (\(decryptionHint)); the credential is unavailable"))
        }
        return ([credential], nil)
    }

    private var decryptionHint: String {
        cipher == nil ? "no LITELLM_SALT_KEY or LiteLLM master key is set" : "is LITELLM_SALT_KEY the one LiteLLM uses?"
    }

    /// Every string value of `object` decrypted (LiteLLM encrypts each one separately); other
    /// values as they are. `unopened` names the values that do not decrypt.
    private func open(_ object: [String: Any]) -> (opened: [String: Any], unopened: [String]) {
        var opened: [String: Any] = [:]
        var unopened: [String] = []
        for (name, value) in object {
            guard let stored = value as? String else { opened[name] = value; continue }
            switch open(stored) {
            case .success(let plaintext): opened[name] = plaintext
            case .failure: unopened.append(name)
            }
        }
        return (opened, unopened)
    }

    private func open(_ stored: String) -> Result<String, LiteLLMDecryptionError> {
        guard let cipher else { return .failure(.authenticationFailed) }
        do {
            return .success(try cipher.decrypt(stored))
        } catch {
            return .failure(error)
        }
    }

    /// Reads a `model_list`/`credential_list` document with the config file's own reader (JSON
    /// is YAML), so a database row and a config entry are read by the same rules.
    private func configDocument(_ document: [String: Any]) throws(ConfigError) -> GatewayConfig {
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.withoutEscapingSlashes, .sortedKeys]),
              let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(problems: [ConfigProblem(location: "row", message: "not representable as JSON")])
        }
        return try GatewayConfig.parse(yaml: text, environment: environment)
    }
}
