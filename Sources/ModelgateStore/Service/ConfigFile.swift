import Foundation
import Logging
import ModelgateConfig

/// The config file a service runs on: read at start and again on SIGHUP, its ignored sections
/// and warnings logged each time.
struct ConfigFile: Sendable {
    /// nil: no config file (an empty config).
    let path: String?
    let environment: [String: String]
    let logger: Logger

    /// The config at start: the file's, or an empty one (said once in the log).
    func starting() throws -> GatewayConfig {
        if path == nil {
            logger.notice("no config file: the model catalog is empty and every model request is denied")
        }
        return try load()
    }

    /// The file as it is now; an empty config when there is no file.
    func load() throws -> GatewayConfig {
        guard let path else { return GatewayConfig() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PolicyServiceError("cannot read the config file \(path): \(error.localizedDescription)")
        }
        let config = try GatewayConfig.parse(yaml: text, environment: environment)
        for section in config.ignoredSections {
            logger.info("config section not used by modelgate, ignored", metadata: ["section": "\(section)"])
        }
        for warning in config.warnings {
            logger.warning("config: \(warning)")
        }
        return config
    }
}
