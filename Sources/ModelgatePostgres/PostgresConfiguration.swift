import Foundation
import NIOCore
import NIOSSL
import PostgresNIO

/// Connection settings for postgres-nio from a `DatabaseURL`, TLS through NIOSSL as libpq's
/// `sslmode` asks: `require` encrypts without verifying; `verify-ca` verifies the chain against
/// `sslrootcert`; `verify-full` also verifies that the certificate names the host.
extension DatabaseURL {
    /// The NIOSSL client configuration for this URL's `sslmode`, or nil for `disable`.
    public func tlsConfiguration() throws(DatabaseConfigurationError) -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch effectiveVerification {
        case .none:
            if sslMode == .disable { return nil }
            tls.certificateVerification = .none
            return tls
        case .chain, .chainAndHost:
            tls.certificateVerification =
                effectiveVerification == .chain ? .noHostnameVerification : .fullVerification
            tls.trustRoots = try trustRoots()
            return tls
        }
    }

    /// What the server's certificate is checked for.
    public enum Verification: Sendable { case none, chain, chainAndHost }

    /// libpq: `require` with an explicit `sslrootcert` verifies like `verify-ca`.
    public var effectiveVerification: Verification {
        switch sslMode {
        case .disable, .prefer: return .none
        case .require: return sslRootCert == nil ? .none : .chain
        case .verifyCA: return .chain
        case .verifyFull: return .chainAndHost
        }
    }

    private func trustRoots() throws(DatabaseConfigurationError) -> NIOSSLTrustRoots {
        let path: String
        if let sslRootCert {
            if sslRootCert == "system" { return .default }
            path = sslRootCert
        } else {
            // libpq's default root file.
            let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
            path = home + "/.postgresql/root.crt"
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .rootCertificateUnreadable(path: path)
        }
        do {
            return .certificates(try NIOSSLCertificate.fromPEMFile(path))
        } catch {
            throw .rootCertificateInvalid(path: path)
        }
    }

    private var connectTimeout: Duration { .seconds(connectTimeoutSeconds ?? 10) }

    /// Settings for one `PostgresConnection` (a dedicated connection, such as a LISTEN one).
    public func connectionConfiguration() throws(DatabaseConfigurationError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if let configuration = try tlsConfiguration() {
            let context: NIOSSLContext
            do { context = try NIOSSLContext(configuration: configuration) } catch {
                throw .tlsSetupFailed
            }
            tls = sslMode == .prefer ? .prefer(context) : .require(context)
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds ?? 10))
        if effectiveVerification == .chainAndHost { configuration.options.tlsServerName = tlsServerName }
        if let applicationName { configuration.options.additionalStartupParameters = [("application_name", applicationName)] }
        return configuration
    }

    /// Settings for a pooled `PostgresClient`.
    public func clientConfiguration() throws(DatabaseConfigurationError) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        if let configuration = try tlsConfiguration() {
            tls = sslMode == .prefer ? .prefer(configuration) : .require(configuration)
        } else {
            tls = .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        if effectiveVerification == .chainAndHost { configuration.options.tlsServerName = tlsServerName }
        if let applicationName { configuration.options.additionalStartupParameters = [("application_name", applicationName)] }
        return configuration
    }

    /// The name checked against the certificate: the host, unless it is an IP address (then
    /// postgres-nio sends no SNI and NIOSSL checks the address).
    private var tlsServerName: String? {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 { return nil }
        return host
    }
}

/// Why connection settings could not be made from a URL.
public enum DatabaseConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    case rootCertificateUnreadable(path: String)
    case rootCertificateInvalid(path: String)
    case tlsSetupFailed

    public var description: String {
        switch self {
        case .rootCertificateUnreadable(let path):
            return "sslrootcert \(path) cannot be read (verify-ca and verify-full need trusted roots)"
        case .rootCertificateInvalid(let path): return "sslrootcert \(path) holds no valid PEM certificate"
        case .tlsSetupFailed: return "the TLS client settings could not be made"
        }
    }
}
