import ArgumentParser
import Foundation
import Logging
import Metrics
import ModelgateGRPC
import ModelgateHTTP
import ModelgateObservability
import ModelgatePostgres
import ModelgateStore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `modelgate serve`: the HTTP and gRPC fronts over one policy, until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the authorization service (HTTP and gRPC fronts).",
        discussion: """
            Loads the config, opens (creating and migrating) the database (a SQLite file, or a postgres:// URL shared by many replicas; an unreachable PostgreSQL is retried for 30 s), and answers checks until SIGTERM or SIGINT, which stop accepting, finish in-flight checks and exit 0. SIGHUP reloads the config file; an invalid one is logged and the old one stays in force. A start that fails (bad config, unusable database, address in use) prints every error and exits 2.

            Examples:
              export MODELGATE_MASTER_KEY=sk-admin MODELGATE_SECRET_KEY=...
              modelgate serve --config config.yaml
              modelgate serve --config config.yaml --database /var/lib/mg.sqlite \\
                  --http 0.0.0.0:8181 --grpc 0.0.0.0:9191 --log-format json

              # LiteLLM's database as the read-only policy source (a SELECT-only role;
              # no database of its own, admin routes answer 405):
              modelgate serve --config config.yaml \\
                  --litellm-database 'postgres://modelgate_ro:...@db:5432/litellm?sslmode=require'

              # nginx style and Envoy style checks:
              curl -i http://127.0.0.1:8181/check \\
                  -H 'X-Original-Method: POST' \\
                  -H 'X-Original-URI: /v1/chat/completions' \\
                  -H 'Authorization: Bearer sk-...' -d '{"model":"gpt-4o"}'
              curl -i http://127.0.0.1:8181/check/v1/chat/completions \\
                  -H 'Authorization: Bearer sk-...' -d '{"model":"gpt-4o"}'
            """)

    @Option(name: .long, help: "LiteLLM-compatible config.yaml (none: empty catalog, every model request denied).")
    var config: String?

    @Option(name: .long, help: "SQLite file (created on first start) or postgres:// URL for many replicas; default MODELGATE_DATABASE_URL, else ./modelgate.sqlite.")
    var database: String?

    @Option(name: .long, help: "LiteLLM's PostgreSQL database (postgres:// URL of a SELECT-only role) as the read-only policy source, instead of --database; default MODELGATE_LITELLM_DATABASE_URL.")
    var litellmDatabase: String?

    @Option(name: .long, help: "HTTP listen address (HOST:PORT).")
    var http: ListenAddress = ListenAddress(argument: "127.0.0.1:8181")!

    @Option(name: .long, help: "gRPC listen address (HOST:PORT).")
    var grpc: ListenAddress = ListenAddress(argument: "127.0.0.1:9191")!

    @Option(name: .long, help: "Log line format: text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    @Option(name: .long, help: "Lowest level logged: trace, debug (also allowed checks), info (denied checks), notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Seconds an announced /check body may stall before the check is denied (body_incomplete).")
    var bodyTimeout: Double = 1

    func run() async throws {
        LoggingSystem.bootstrap(logFormat.makeHandler(level: logLevel))
        let logger = Logger(label: "modelgate")

        // Metrics first: handles made before the bootstrap would be no-ops.
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[DecisionRecorder.durationMetricName] = DecisionRecorder.durationBuckets
        MetricsSystem.bootstrap(factory)

        let environment = ProcessInfo.processInfo.environment
        let database = DatabaseArgument.resolve(flag: database, environment: environment)
        let policy: PolicyService
        var liteLLMFeed: LiteLLMFeed?
        if let liteLLMURL = litellmDatabase ?? environment[Self.liteLLMDatabaseVariable] {
            do {
                // An unreachable LiteLLM database is retried for 30 s, as --database is.
                let feed = try await LiteLLMFeed.open(
                    url: try Self.liteLLMDatabase(liteLLMURL, databaseFlag: self.database, environment: environment),
                    configPath: config, environment: environment, logger: logger, waitUpTo: 30)
                liteLLMFeed = feed
                policy = feed.policy
            } catch {
                Console.report(error, context: "modelgate: cannot start")
                throw ExitCode(2)
            }
        } else {
            do {
                // An unreachable PostgreSQL is retried for 30 s before giving up (CONTRACT §8).
                policy = try PolicyService(
                    configPath: config, database: database, environment: environment, logger: logger,
                    follow: true, waitForDatabase: 30)
            } catch {
                Console.report(error, context: "modelgate: cannot start")
                throw ExitCode(2)
            }
        }
        let recorder = DecisionRecorder(logger: logger)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let httpFront = HTTPFront(
            host: http.host, port: http.port, policy: policy, recorder: recorder,
            prometheus: registry, logger: logger,
            configuration: HTTPFrontConfiguration(bodyReadTimeout: .milliseconds(Int64(max(0.01, bodyTimeout) * 1000))))
        services.append(.init(service: httpFront, serviceName: "http"))

        // Both fronts read the same snapshot holder, so they decide alike and see reloads together.
        let grpcFront = GRPCFront(
            host: grpc.host, port: grpc.port, snapshots: policy.holder, recorder: recorder,
            logger: logger)
        services.append(.init(service: grpcFront, serviceName: "grpc"))

        if let liteLLMFeed { services.append(.init(service: liteLLMFeed, serviceName: "litellm-database")) }

        services.append(.init(
            service: ConfigReloader(policy: policy, metrics: PolicyMetrics(registry: registry), logger: logger),
            serviceName: "config-reloader"))

        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(15)
        let group = ServiceGroup(configuration: groupConfiguration)
        logger.info("modelgate starting", metadata: [
            "http": "\(http)", "grpc": "\(grpc)", "database": .string(liteLLMFeed == nil ? DatabaseArgument.printable(database) : "LiteLLM (read-only)"), "config": .string(config ?? "(none)"),
        ])
        do {
            try await group.run()
        } catch {
            Console.report(error, context: "modelgate: stopped")
            throw ExitCode(2)
        }
        logger.info("modelgate stopped")
    }
}

extension ServeCommand {
    static let liteLLMDatabaseVariable = "MODELGATE_LITELLM_DATABASE_URL"

    /// LiteLLM's database URL; one policy source only, so a --database beside it is refused.
    static func liteLLMDatabase(_ text: String, databaseFlag: String?, environment: [String: String]) throws -> DatabaseURL {
        if databaseFlag != nil || environment[DatabaseArgument.environmentVariable] != nil {
            throw ValidationError("--litellm-database replaces --database (and \(DatabaseArgument.environmentVariable)): give one policy source")
        }
        return try DatabaseURL(parsing: text)
    }
}

/// Reloads the config on SIGHUP. A config that fails to load is logged with every problem and
/// the policy in force keeps serving.
struct ConfigReloader: Service {
    let policy: PolicyService
    let metrics: PolicyMetrics
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                try policy.reloadConfig()
                metrics.recordReload(succeeded: true)
                logger.notice("config reloaded", metadata: ["generation": "\(policy.holder.snapshot.generation)"])
            } catch {
                metrics.recordReload(succeeded: false)
                logger.error("config reload rejected; the previous config stays in force", metadata: ["error": "\(error)"])
            }
        }
    }
}
