import ArgumentParser
import BuildInfo
import Logging

/// `iblagh`: the operator's and developer's command-line tool.
@main
struct IblaghCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iblagh",
        abstract: "Iblagh: report online crime, from the citizen to the court.",
        version: BuildInfo.current.line("iblagh"),
        subcommands: [KeysCommand.self, DemoCommand.self, DeadLetterCommand.self, SubmitCommand.self, RouteCommand.self, RerouteCommand.self, ConsoleCommand.self, CaseCommand.self, AuditCommand.self, StatsCommand.self])

    /// Logs go to standard error, so standard output stays for what a command prints for a person or a script.
    static func bootstrapLogging(level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// A command that could not be carried out (no answer, a refusal, nothing found): printed as `Error: …` without the
/// usage text, which is for mistakes in the command line (`ValidationError`, thrown from `validate()`).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
