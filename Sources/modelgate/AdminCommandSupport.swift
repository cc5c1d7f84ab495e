import ArgumentParser
import Foundation
import Logging
import ModelgateConfig
import ModelgateCore
import ModelgateStore

/// `--database` (and `--config`, for the teams it defines) shared by the admin commands.
struct AdminStoreOptions: ParsableArguments {
    @Option(help: "SQLite file (created and migrated when missing) or postgres:// URL; default MODELGATE_DATABASE_URL, else ./modelgate.sqlite.")
    var database: String?

    @Option(help: "A config file whose static teams keys may also name.")
    var config: String?

    @Option(name: .customLong("litellm-database"), help: "A LiteLLM proxy's database (or MODELGATE_LITELLM_DATABASE_URL): refused, as its keys are managed in LiteLLM.")
    var litellmDatabase: String?

    /// Opens the database and runs `operation`; a refused operation prints its reason and
    /// exits 1, a database that cannot be opened exits 2.
    func run<T>(_ operation: (AdminOperations) throws -> T) throws -> T {
        var logger = Logger(label: "modelgate.admin")
        logger.logLevel = .warning
        let environment = ProcessInfo.processInfo.environment
        // As `serve --litellm-database` answers 405: LiteLLM's database is never written, and
        // the policy commands have nothing of their own to act on there.
        if database == nil, litellmDatabase ?? environment[ServeCommand.liteLLMDatabaseVariable] != nil {
            CLIOutput.error(LiteLLMFeed.readOnlyMessage)
            throw ExitCode(1)
        }
        let storage: any PolicyStorage
        do {
            storage = try DatabaseArgument.open(DatabaseArgument.resolve(flag: database, environment: environment), logger: logger)
        } catch {
            CLIOutput.error(error.description)
            throw ExitCode(2)
        }
        var teamIDs: Set<String> = []
        if let config {
            do {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                teamIDs = Set(try GatewayConfig.parse(yaml: text, environment: environment).parts.teams.map(\.id))
            } catch {
                CLIOutput.error("cannot load the config file \(config):\n\(error)")
                throw ExitCode(2)
            }
        }
        defer { storage.close() }
        let operations = AdminOperations(
            storage: storage, cipher: CredentialCipher(environment: environment), logger: logger,
            staticTeamIDs: { [teamIDs] in teamIDs })
        do {
            return try operation(operations)
        } catch let error as AdminError {
            CLIOutput.error(error.message)
            throw ExitCode(1)
        }
    }
}

/// The database and `--json`: what the commands that print records take.
struct OutputOptions: ParsableArguments {
    @OptionGroup var store: AdminStoreOptions
    @Flag(help: "Print JSON.") var json = false

    /// Prints `record` as its admin JSON with `--json`, else `text`.
    func show(_ record: some AdminJSONRenderable, else text: String) {
        print(json ? CLIOutput.json(record) : text)
    }
}

/// A `list` command: the records `fetch` returns, as their admin JSON with `--json`, else as
/// a table of `header` and one `row` a record.
protocol ListCommand: ParsableCommand {
    associatedtype Record: AdminJSONRenderable
    static var header: [String] { get }
    static func row(_ record: Record) -> [String]
    var listing: OutputOptions { get }
    func fetch(_ operations: AdminOperations) throws -> [Record]
}

extension ListCommand {
    func run() throws {
        let records = try listing.store.run { try fetch($0) }
        if listing.json {
            print(CLIOutput.json(records))
        } else {
            CLIOutput.table(header: Self.header, rows: records.map(Self.row))
        }
    }
}

/// The options keys and teams share: model list, tags, `metadata.model_config` and metadata.
struct PolicyOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: "A model group, access group or wildcard allowed (repeat; none means no limit at this level).")
    var models: [String] = []
    @Option(name: .customLong("tag"), help: "A tag (metadata.tags; repeat).") var tags: [String] = []
    @Option(name: .customLong("model-config"), help: "metadata.model_config as JSON.") var modelConfig: String?
    @Option(help: "metadata as a JSON object (replaces the stored metadata on update).") var metadata: String?

    /// Writes the options given into `request`; on an update `--any-model` clears the model
    /// list and no `--model` leaves it as it is.
    func fill(_ request: inout some PolicyFieldsRequest, anyModel: Bool = false) throws {
        request.models = CLIParsing.modelList(models, any: anyModel)
        request.metadata = try metadata.map { try CLIParsing.object($0, option: "--metadata") }
        request.tags = tags.isEmpty ? nil : tags
        request.modelConfig = try modelConfig.map { .object(try CLIParsing.object($0, option: "--model-config")) }
    }
}

/// Turning command-line text into request values.
enum CLIParsing {
    static func object(_ text: String, option: String) throws -> [String: JSONValue] {
        guard let object = JSONValue.parse(text)?.objectValue else {
            throw ValidationError("\(option) must be a JSON object")
        }
        return object
    }

    /// An update's model list: `--any-model` clears it, no `--model` leaves it as it is.
    static func modelList(_ models: [String], any: Bool) -> [String]? {
        any ? [] : (models.isEmpty ? nil : models)
    }

    static func expiry(duration: String?, expires: String?) throws -> KeyExpiry? {
        switch (duration, expires) {
        case (.some, .some):
            throw ValidationError("give --duration or --expires, not both")
        case (let duration?, nil):
            if duration == "-1" || duration == "never" { return .never }
            guard let parsed = KeyDuration(duration) else {
                throw ValidationError("--duration must look like 30s, 20m, 1h, 7d, 2w, 1mo or 1y")
            }
            return .after(parsed)
        case (nil, let expires?):
            guard let date = ExpiryDate.parse(expires) else {
                throw ValidationError("--expires must be \(ExpiryDate.expected)")
            }
            return .at(date)
        case (nil, nil):
            return nil
        }
    }
}

/// What the admin commands print.
enum CLIOutput {
    static func json(_ value: some AdminJSONRenderable) -> String { value.adminJSON.prettyText }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("modelgate: " + message + "\n").utf8))
    }

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    /// A key just made: the key on standard output, its token and a warning on standard error.
    static func newKey(_ generated: GeneratedKey) {
        print(generated.key)
        note("\(generated.stored.keyName) token \(generated.stored.hash.hex): keep the key now, it is not shown again")
    }

    /// A model list as a table cell.
    static func models(_ models: [String]) -> String {
        models.isEmpty ? "(any)" : models.joined(separator: ",")
    }

    /// "1 key", "2 keys".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// Left-aligned columns, two spaces apart.
    static func table(header: [String], rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }
}
