import BuildInfo
import Foundation
import Logging

/// What every service executable does from its first line to its last, in one place: `--help` (or `-h`) answered
/// with each setting (from docs/configuration.md) and `--version` with the ``BuildInfo``, without touching anything,
/// malloc's arenas limited before any thread
/// starts, the settings read (command line, environment, JSON file), logging and metrics set up, the parent watched
/// when a harness asks, the service's configuration built and every settings key it did not read refused — where
/// `--check` stops, with exit status 0 — then the service run. Anything that fails on the way stops the process with one line on standard error,
/// `EXECUTABLE: what is wrong` (a ``ConfigurationError`` names the key; a JSON line with `log.format = json`), and exit
/// status 1. The start logs the build and the libraries, and `/metrics` has them as `iblagh_build_info`.
public enum ServiceMain {
    /// Runs the executable `name` (`iblagh-router`): `configure` reads the service's settings, `serve` starts the
    /// service with them and returns when it stopped (SIGTERM). On the main actor, where `main` runs.
    @MainActor
    public static func run<Configuration>(
        _ name: String, configure: (Settings) throws -> Configuration, serve: (Configuration) async throws -> Void
    ) async {
        if given("--help", "-h"), let help = SettingsHelp.text(of: name) {
            FileHandle.standardOutput.write(Data(help.utf8))
            exit(0)
        }
        if given("--version") {
            FileHandle.standardOutput.write(Data((BuildInfo.current.line(name) + "\n").utf8))
            exit(0)
        }
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        var format = LineLogHandler.Format.text
        do {
            let settings = try await Settings.load()
            format = try Observability.bootstrap(level: settings.string("log.level", default: "info"), format: settings.string("log.format", default: "text"))
            ParentWatch.startIfRequested()
            let configuration = try configure(settings)
            try settings.refuseUnknownKeys()
            if given("--check") {
                FileHandle.standardOutput.write(Data("\(name): the configuration is valid (the store and the endpoints are not opened)\n".utf8))
                exit(0)
            }
            // Only now: a setting refused above is the one line on standard error.
            let build = BuildInfo.current
            build.record()
            Logger(label: name.replacingOccurrences(of: "-", with: ".")).info(
                "starting", metadata: .init(uniqueKeysWithValues: build.labels.map { ($0.0, .string($0.1)) }))
            try await serve(configuration)
        } catch {
            // As the service's other lines once their format is known: a log collector reading JSON gets this one too.
            let line = format == .json
                ? LineLogHandler.json(time: Date(), level: .critical, label: name, source: "ServiceBootstrap", message: "\(error)", metadata: [:])
                : Array("\(name): \(error)".utf8)
            FileHandle.standardError.write(Data(line + [UInt8(ascii: "\n")]))
            exit(1)
        }
    }

    /// Whether the command line has one of `flags` (the executable's own modes, beside its settings).
    private static func given(_ flags: String...) -> Bool {
        CommandLine.arguments.dropFirst().contains(where: flags.contains)
    }

    /// Prints the one line that says the service is up and what it bound (`ready http=8401 dispatch=tcp://…`), which
    /// `deploy/local/run.sh` and the test harnesses wait for.
    public static func ready(_ fields: String) {
        FileHandle.standardOutput.write(Data("ready \(fields)\n".utf8))
    }
}
