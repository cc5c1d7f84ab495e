import ArgumentParser

/// `modelgate`: the authorization sidecar and its offline admin tools.
@main
struct Modelgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelgate",
        abstract: "Authorization sidecar for LLM API traffic: may this key call this model?",
        subcommands: [ServeCommand.self, CheckCommand.self, ConfigCommand.self, KeyCommand.self, TeamCommand.self, UserCommand.self, CredentialCommand.self]
    )
}
