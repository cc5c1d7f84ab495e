import Foundation

/// A PostgreSQL connection URL as libpq reads it:
/// `postgres[ql]://user[:password]@host[:port][/dbname][?sslmode=…&sslrootcert=…]`.
/// User, password, database and parameter values are percent-decoded. The password is
/// never part of a description: `description` and `redacted` print it as `***`.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode` values that modelgate supports (`allow` is not: it tries plain text first).
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain text.
        case disable
        /// TLS when the server offers it, without verifying the server (libpq's default).
        case prefer
        /// TLS always, without verifying the server (as libpq: verified like `verify-ca` when `sslrootcert` is given).
        case require
        /// TLS always; the server's chain verified against `sslrootcert`, the host name not.
        case verifyCA = "verify-ca"
        /// TLS always; the chain verified against `sslrootcert` and the certificate matching the host.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    /// Host name or IP address (IPv6 without brackets).
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: a PEM file of trusted roots, or `system` for the system's trust store.
    public var sslRootCert: String?
    /// `connect_timeout` in seconds (libpq: 0 or absent means the default).
    public var connectTimeoutSeconds: Int?
    public var applicationName: String?

    /// True when `text` is meant as a URL rather than a file path.
    public static func looksLikeURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    public init(
        user: String, password: String?, host: String, port: Int = 5432, database: String,
        sslMode: SSLMode = .prefer, sslRootCert: String? = nil,
        connectTimeoutSeconds: Int? = nil, applicationName: String? = nil
    ) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
    }

    /// Parses `text`. Errors name the part of the URL at fault, never its value.
    public init(parsing text: String) throws(DatabaseURLError) {
        guard Self.looksLikeURL(text) else { throw .notAURL }
        guard let components = URLComponents(string: text) else { throw .malformed }
        if components.fragment != nil { throw .malformed }
        // libpq ends the user part at the first '@'; a raw '@' in user or password is ambiguous.
        let authority = text.split(separator: "://", maxSplits: 1).last?
            .prefix { $0 != "/" && $0 != "?" && $0 != "#" } ?? ""
        if authority.filter({ $0 == "@" }).count > 1 { throw .rawAtSign }
        guard let user = components.user, !user.isEmpty else { throw .missingUser }
        var host = components.host ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .missingHost }
        if host.contains(",") { throw .multipleHosts }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw .invalidPort }
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        if path.contains("/") { throw .invalidDatabase }

        var sslMode = SSLMode.prefer
        var sslRootCert: String?
        var timeout: Int?
        var applicationName: String?
        var seen = Set<String>()
        for item in components.queryItems ?? [] {
            guard seen.insert(item.name).inserted else { throw .repeatedParameter(Self.printable(item.name)) }
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else { throw .invalidSSLMode }
                sslMode = mode
            case "sslrootcert":
                guard !value.isEmpty else { throw .invalidParameter("sslrootcert") }
                sslRootCert = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0 else { throw .invalidParameter("connect_timeout") }
                timeout = seconds == 0 ? nil : max(seconds, 2)  // libpq: values under 2 count as 2
            case "application_name":
                applicationName = value
            default:
                throw .unsupportedParameter(Self.printable(item.name))
            }
        }
        self.init(
            user: user, password: components.password, host: host, port: port,
            database: path.isEmpty ? user : path, sslMode: sslMode, sslRootCert: sslRootCert,
            connectTimeoutSeconds: timeout, applicationName: applicationName)
    }

    /// `host:port`, with brackets around an IPv6 address: what an error names.
    public var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The URL with the password printed as `***`.
    public var redacted: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        if password != nil { components.percentEncodedPassword = "***" }
        components.host = host.contains(":") ? "[\(host)]" : host
        components.port = port
        components.path = "/" + database
        var items = [URLQueryItem(name: "sslmode", value: sslMode.rawValue)]
        if let sslRootCert { items.append(URLQueryItem(name: "sslrootcert", value: sslRootCert)) }
        if let connectTimeoutSeconds {
            items.append(URLQueryItem(name: "connect_timeout", value: String(connectTimeoutSeconds)))
        }
        if let applicationName { items.append(URLQueryItem(name: "application_name", value: applicationName)) }
        components.queryItems = items
        return components.string ?? "postgres://\(endpoint)/***"
    }

    public var description: String { redacted }

    private static func printable(_ name: String) -> String {
        let cut = name.unicodeScalars.prefix(40).filter { $0.value >= 0x20 && $0.value < 0x7F }
        return String(String.UnicodeScalarView(cut))
    }
}

/// Why a database URL was refused. Messages name the part, never a value.
public enum DatabaseURLError: Error, Equatable, CustomStringConvertible, Sendable {
    case notAURL
    case malformed
    case rawAtSign
    case missingUser
    case missingHost
    case multipleHosts
    case invalidPort
    case invalidDatabase
    case invalidSSLMode
    case invalidParameter(String)
    case repeatedParameter(String)
    case unsupportedParameter(String)

    public var description: String {
        switch self {
        case .notAURL: return "the database URL must start with postgres:// or postgresql://"
        case .malformed: return "the database URL is malformed"
        case .rawAtSign: return "the database URL's user or password holds a raw '@'; write it as %40"
        case .missingUser: return "the database URL names no user"
        case .missingHost: return "the database URL names no host (Unix sockets are not supported)"
        case .multipleHosts: return "the database URL names several hosts; give one"
        case .invalidPort: return "the database URL's port is not 1-65535"
        case .invalidDatabase: return "the database URL's database name holds a '/'"
        case .invalidSSLMode:
            return "the database URL's sslmode must be one of "
                + DatabaseURL.SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
        case .invalidParameter(let name): return "the database URL's \(name) parameter is invalid"
        case .repeatedParameter(let name): return "the database URL gives the \(name) parameter twice"
        case .unsupportedParameter(let name):
            return "the database URL's parameter \(name) is not supported (supported: sslmode, sslrootcert, connect_timeout, application_name)"
        }
    }
}
