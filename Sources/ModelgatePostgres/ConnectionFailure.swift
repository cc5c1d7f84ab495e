import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A database error as one line that names the server (`host:port`) and the reason, never the
/// password: for logs, admin answers and the exit message of `serve`.
public struct DatabaseFailure: Error, CustomStringConvertible, Sendable {
    public let endpoint: String
    public let reason: String
    /// True when the server could not be reached or the connection broke (retrying may help);
    /// false when the server answered with an error (authentication, missing database, a query).
    public let isConnectivity: Bool

    public var description: String { "database \(endpoint): \(reason)" }

    /// No connection to the server of `url` could be had, for no reason known yet.
    public static func unavailable(_ url: DatabaseURL) -> DatabaseFailure {
        DatabaseFailure(endpoint: url.endpoint, reason: "unavailable", isConnectivity: true)
    }

    /// The SQLSTATE of a server error, if `error` is one.
    public static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// postgres-nio's own error codes whose meaning is the code alone: (reason, is connectivity).
    private static let clientReasons: [PSQLError.Code: (String, Bool)] = [
        .sslUnsupported: ("the server does not accept TLS (sslmode asks for it)", false),
        .failedToAddSSLHandler: ("the TLS handshake could not start", true),
        .receivedUnencryptedDataAfterSSLRequest: ("the TLS handshake could not start", true),
        .unsupportedAuthMechanism: ("the server asks for an authentication method modelgate does not support", false),
        .authMechanismRequiresPassword: ("the server asks for a password and the URL gives none", false),
        .saslError: ("SCRAM authentication failed", false),
        .serverClosedConnection: ("the server closed the connection", true),
        .uncleanShutdown: ("the server closed the connection", true),
        .clientClosedConnection: ("the connection is closed", true),
        .queryCancelled: ("the query was cancelled", true),
    ]

    private static func classify(_ error: any Error) -> (String, Bool) {
        if let failure = error as? DatabaseFailure { return (failure.reason, failure.isConnectivity) }
        if let psql = error as? PSQLError {
            if psql.code == .server {
                let state = psql.serverInfo?[.sqlState] ?? "?"
                let message = psql.serverInfo?[.message] ?? "error"
                // Class 08 (connection exception) and 57P0x (server shutting down) are outages.
                let outage = state.hasPrefix("08") || state.hasPrefix("57P0")
                return ("server answered \(state): \(printable(message))", outage)
            }
            if let known = clientReasons[psql.code] { return known }
            if let underlying = psql.underlying { return classify(underlying) }
            return (psql.code == .connectionError ? "connection failed" : "\(psql.code)", true)
        }
        if let connectionError = error as? NIOConnectionError {
            if let first = connectionError.connectionErrors.first { return classify(first.error) }
            if connectionError.dnsAError != nil || connectionError.dnsAAAAError != nil {
                return ("the host name does not resolve", true)
            }
            return ("no address to connect to", true)
        }
        if let io = error as? IOError {
            return (String(cString: strerror(io.errnoCode)).lowercased(), true)
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return ("the connection timed out", true)
            case .ioOnClosedChannel, .alreadyClosed, .eof: return ("the connection is closed", true)
            default: return ("connection failed (\(channel))", true)
            }
        }
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .handshakeFailed(let inner):
                return ("the TLS handshake failed: \(printable(String(describing: inner)))", false)
            case .unableToValidateCertificate:
                return ("the server's certificate does not verify", false)
            default:
                return ("TLS failed: \(printable(String(describing: ssl)))", true)
            }
        }
        if let ssl = error as? NIOSSLExtraError {
            return ("the server's certificate does not verify: \(printable(String(describing: ssl)))", false)
        }
        if error is CancellationError { return ("cancelled", true) }
        if let configuration = error as? DatabaseConfigurationError { return (configuration.description, false) }
        return ("\(type(of: error))", true)
    }

    private static func printable(_ text: String) -> String {
        let cut = text.unicodeScalars.prefix(300).map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) }
        return String(cut)
    }

    /// Defence in depth: a password that somehow reached a message is cut out of it.
    private static func scrub(_ text: String, password: String?) -> String {
        guard let password, password.count >= 3 else { return text }
        return text.replacingOccurrences(of: password, with: "***")
    }
}

extension DatabaseFailure {
    /// Classifies `error` from postgres-nio, NIO or NIOSSL for the server of `url`.
    public init(_ error: any Error, url: DatabaseURL) {
        let (reason, connectivity) = Self.classify(error)
        self.init(endpoint: url.endpoint, reason: Self.scrub(reason, password: url.password), isConnectivity: connectivity)
    }
}
