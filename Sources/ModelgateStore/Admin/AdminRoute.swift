import Foundation

/// The admin routes and the methods each answers.
enum AdminRoute: Equatable {
    case keyGenerate, keyUpdate, keyDelete, keyInfo, keyList, keyBlock, keyUnblock
    case teamNew, teamUpdate, teamInfo, teamDelete, teamList, teamBlock, teamUnblock
    case userNew, userUpdate, userInfo, userList
    case credentials
    /// `/credentials/{name}`; the name may hold `/` (LiteLLM's `{credential_name:path}`).
    case credential(name: String)

    init?(path: String) {
        switch path {
        case "/key/generate": self = .keyGenerate
        case "/key/update": self = .keyUpdate
        case "/key/delete": self = .keyDelete
        case "/key/info": self = .keyInfo
        case "/key/list": self = .keyList
        case "/key/block": self = .keyBlock
        case "/key/unblock": self = .keyUnblock
        case "/team/new": self = .teamNew
        case "/team/update": self = .teamUpdate
        case "/team/info": self = .teamInfo
        case "/team/delete": self = .teamDelete
        case "/team/list": self = .teamList
        case "/team/block": self = .teamBlock
        case "/team/unblock": self = .teamUnblock
        case "/user/new": self = .userNew
        case "/user/update": self = .userUpdate
        case "/user/info": self = .userInfo
        case "/user/list": self = .userList
        case "/credentials": self = .credentials
        default:
            let prefix = "/credentials/"
            guard path.hasPrefix(prefix), path.count > prefix.count else { return nil }
            self = .credential(name: String(path.dropFirst(prefix.count)))
        }
    }

    var methods: [String] {
        switch self {
        case .keyInfo, .keyList, .teamInfo, .teamList, .userInfo, .userList: ["GET"]
        case .teamUpdate: ["POST", "PATCH"]
        case .credentials: ["GET", "POST"]
        case .credential: ["PATCH", "DELETE"]
        default: ["POST"]
        }
    }
}
