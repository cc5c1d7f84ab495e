/// The allowlist levels, in the order their denials win (CONTRACT §3).
public enum AccessLevel: Int, Sendable, Comparable, CaseIterable {
    case key, team, user

    public static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    var denyReason: DenyReason {
        switch self {
        case .key: return .keyModelAccessDenied
        case .team: return .teamModelAccessDenied
        case .user: return .userModelAccessDenied
        }
    }
}
