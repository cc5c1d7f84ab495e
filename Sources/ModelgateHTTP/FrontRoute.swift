import NIOHTTP1

/// Where a request to the HTTP front goes, decided from its request line alone.
enum FrontRoute: Equatable {
    /// nginx `auth_request`: `GET|POST /check`, the original request in `X-Original-*` headers.
    case checkNginx
    /// Envoy ext_authz with `path_prefix: /check`: the original target follows `/check`.
    case checkEnvoy(rawTarget: String)
    /// `POST /v1/decision`: a request described as JSON, answered with the decision document.
    case decision
    case liveliness
    case readiness
    case metrics
    /// A known path used with a method it does not take.
    case methodNotAllowed(allowed: String)
    /// Anything else: the admin API decides whether it is one of its routes.
    case admin(path: Substring, query: Substring?)

    var isCheck: Bool {
        switch self {
        case .checkNginx, .checkEnvoy: return true
        default: return false
        }
    }

    static let checkPrefix = "/check"

    /// Routes `method uri`, where `uri` is the raw request target.
    static func classify(method: HTTPMethod, uri: String) -> FrontRoute {
        // Envoy style first: everything after `/check` is the original target, byte for byte,
        // so nothing here may decode or normalise it.
        if uri.hasPrefix("/check/") {
            return .checkEnvoy(rawTarget: String(uri.dropFirst(checkPrefix.count)))
        }
        let path: Substring
        let query: Substring?
        if let mark = uri.firstIndex(of: "?") {
            path = uri[..<mark]
            query = uri[uri.index(after: mark)...]
        } else {
            path = uri[...]
            query = nil
        }
        switch path {
        case "/check":
            return method == .GET || method == .POST ? .checkNginx : .methodNotAllowed(allowed: "GET, POST")
        case "/v1/decision":
            return method == .POST ? .decision : .methodNotAllowed(allowed: "POST")
        case "/health/liveliness":
            return method == .GET ? .liveliness : .methodNotAllowed(allowed: "GET")
        case "/health/readiness":
            return method == .GET ? .readiness : .methodNotAllowed(allowed: "GET")
        case "/metrics":
            return method == .GET ? .metrics : .methodNotAllowed(allowed: "GET")
        default:
            return .admin(path: path, query: query)
        }
    }
}
