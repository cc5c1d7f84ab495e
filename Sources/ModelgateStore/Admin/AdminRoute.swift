import Foundation

/// The admin routes and the methods each answers.
enum AdminRoute: Equatable {
    case keyGenerate, keyUpdate, keyDelete, keyInfo, keyList, keyBlock, keyUnblock
    case teamNew, teamUpdate, teamInfo, teamDelete, teamList, teamBlock, teamUnblock
    case userNew, userUpdate, userInfo, userList
    case credentials
    /// `/credentials/{name}`; the name may hold `/` (LiteLLM's `{credential_name:path}`).
    case credential(name: String)

    /// The routes at fixed paths.
    private static let fixed: [String: AdminRoute] = [
        "/key/generate": .keyGenerate, "/key/update": .keyUpdate, "/key/delete": .keyDelete, "/key/info": .keyInfo,
        "/key/list": .keyList, "/key/block": .keyBlock, "/key/unblock": .keyUnblock,
        "/team/new": .teamNew, "/team/update": .teamUpdate, "/team/info": .teamInfo, "/team/delete": .teamDelete,
        "/team/list": .teamList, "/team/block": .teamBlock, "/team/unblock": .teamUnblock,
        "/user/new": .userNew, "/user/update": .userUpdate, "/user/info": .userInfo, "/user/list": .userList,
        "/credentials": .credentials,
    ]

    init?(path: String) {
        if let route = Self.fixed[path] {
            self = route
            return
        }
        let prefix = "/credentials/"
        guard path.hasPrefix(prefix), path.count > prefix.count else { return nil }
        self = .credential(name: String(path.dropFirst(prefix.count)))
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
