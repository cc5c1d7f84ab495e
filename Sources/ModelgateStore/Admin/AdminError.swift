/// Why an admin operation was refused, with the HTTP status the admin API answers with.
///
/// Messages are for the operator and never hold a virtual key or credential value.
public struct AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400, 401, 404, 405 or, for a fault that is not the caller's, 500.
    public var status: Int
    public var message: String
    /// The request field at fault, when there is one (OpenAI error shape).
    public var param: String?

    public var description: String { message }

    static func badRequest(_ message: String, param: String? = nil) -> AdminError {
        AdminError(status: 400, message: message, param: param)
    }

    static func notFound(_ message: String, param: String? = nil) -> AdminError {
        AdminError(status: 404, message: message, param: param)
    }

    static func unauthorized(_ message: String) -> AdminError {
        AdminError(status: 401, message: message)
    }

    /// A storage fault (locked, unreadable, full): the caller did nothing wrong and may retry, so
    /// 503, and the message says what failed, not why (the cause is in the service log).
    static func storage(_ action: String) -> AdminError {
        AdminError(status: 503, message: "the database is unavailable and could not \(action); checks go on with the policy in force; see the service log")
    }

    /// The OpenAI-style error type LiteLLM uses for this status.
    var errorType: String {
        switch status {
        case 401: "auth_error"
        case 404: "not_found_error"
        case 405: "method_not_allowed"
        case 400..<500: "bad_request_error"
        case 503: "database_unavailable"
        default: "internal_server_error"
        }
    }
}

/// The error every credential write meets when no encryption key is configured.
let missingSecretKeyMessage = "MODELGATE_SECRET_KEY is not set; refusing to store a credential"
