import ArgumentParser
import Foundation
import Logging
import ZeroMQ

/// `iblagh demo`: shows, on loopback, that CURVE with a ZAP allow-list admits an enrolled key and refuses others.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show that an enrolled CURVE key delivers a message and an unknown key does not.")

    @Option(name: .long, help: "Directory for the demo's generated key files (default: a new temporary one, removed afterwards).")
    var dir: String?

    func run() async throws {
        IblaghCommand.bootstrapLogging(level: .warning)
        let directory = dir ?? NSTemporaryDirectory() + "iblagh-demo-\(getpid())"
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let outcome = try await CurveDemo(directory: directory).run()
        for line in outcome.lines { print(line) }
        guard outcome.succeeded else { throw ExitCode.failure }
    }
}
