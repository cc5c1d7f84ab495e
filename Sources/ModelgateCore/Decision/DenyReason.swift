/// Why a request was denied; the raw value is the wire code of CONTRACT §4.
public enum DenyReason: String, Sendable, CaseIterable {
    case missingKey = "missing_key"
    case invalidKey = "invalid_key"
    case keyExpired = "key_expired"
    case keyBlocked = "key_blocked"
    case ambiguousCredentials = "ambiguous_credentials"
    case ambiguousPath = "ambiguous_path"
    case bodyTooLarge = "body_too_large"
    case bodyIncomplete = "body_incomplete"
    case malformedBody = "malformed_body"
    /// A body field that would let the client re-route or re-credential the upstream call
    /// (CONTRACT §3); after `malformed_body`, before `model_not_found`.
    case forbiddenParameter = "forbidden_parameter"
    case modelNotFound = "model_not_found"
    case keyModelAccessDenied = "key_model_access_denied"
    case teamModelAccessDenied = "team_model_access_denied"
    case userModelAccessDenied = "user_model_access_denied"
    case tagAccessDenied = "tag_access_denied"
    case credentialUnavailable = "credential_unavailable"
    /// The policy could not be brought up to date with its database for longer than
    /// `max_policy_staleness_seconds` (CONTRACT §8): every check, before any other reason.
    case policyStale = "policy_stale"

    /// 401 for problems with the caller's own key, 503 for a stale policy, 403 for everything else.
    public var httpStatus: Int {
        switch self {
        case .missingKey, .invalidKey, .keyExpired, .keyBlocked, .ambiguousCredentials: return 401
        case .policyStale: return 503
        default: return 403
        }
    }
}
