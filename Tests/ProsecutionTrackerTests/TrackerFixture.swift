import Foundation
import IblaghCrypto
import IblaghSchemas
import IblaghStore
import TestSupport
import ZeroMQ

/// A tracker process behind a test's intake, routers and (optionally) notifier, with an officer's and a
/// prosecutor's keys, a statistics consumer's key, and intake restarted to take the tracker's reporter steps.
final class TrackerFixture: @unchecked Sendable {
    // @unchecked: set up in init; only the test's task restarts the process.
    let intake: IntakeFixture
    let process: ServiceProcess
    private(set) var commandsEndpoint = ""
    private(set) var dispatchEndpoint = ""
    var keys: String { "\(intake.directory)/keys" }
    let database: String

    static let actors = [
        "officer-kenitra": "officer:police.wilaya.kenitra", "officer-casablanca": "officer:police.wilaya.casablanca",
        "prosecutor-kenitra": "prosecutor:parquet.tpi.kenitra",
    ]

    /// `notifierDispatch`: the notifier's dispatch endpoint and its public certificate, when one runs.
    init(intake: IntakeFixture, routers: RouterFixture, notifier: (endpoint: String, certificate: String)?) async throws {
        self.intake = intake
        database = try await intake.databaseLocation("tracker")
        let keys = "\(intake.directory)/keys"
        for (name, role) in Self.actors {
            let pair = try CurveKeyPair.generate()
            _ = try CurveCertificate.write(pair, name: name, directory: "\(keys)/own")
            _ = try CurveCertificate.write(pair, name: name, directory: "\(keys)/actors", metadata: ["role": role])
            try FileManager.default.removeItem(atPath: "\(keys)/actors/\(name).key_secret")
        }
        let statistics = try CurveKeyPair.generate()
        _ = try CurveCertificate.write(statistics, name: "statistics", directory: "\(keys)/own")
        _ = try CurveCertificate.write(statistics, name: "statistics", directory: "\(keys)/tracker-consumers", metadata: ["role": "statistics"])
        try FileManager.default.removeItem(atPath: "\(keys)/tracker-consumers/statistics.key_secret")
        // Intake's own key pair consumes the reporter steps.
        try FileManager.default.copyItem(atPath: "\(keys)/own/intake.key", toPath: "\(keys)/tracker-consumers/intake.key")
        try Self.setRole("intake", in: "\(keys)/tracker-consumers/intake.key")
        try DataKeyFile.generate("\(keys)/facts.keys", id: "facts-1")
        var settings: [String: Any] = [
            "id": "tracker", "database": database, "key": "\(keys)/own/tracker.key_secret",
            "intakes": "\(intake.dispatchEndpoint)@\(keys)/own/intake.key", "routers": routers.upstreams,
            "consumers": "\(keys)/tracker-consumers", "actors": "\(keys)/actors", "factKey": "\(keys)/facts.keys",
            "dispatch": ["endpoint": TestPorts.endpoint()], "commands": ["endpoint": TestPorts.endpoint()], "http": ["port": TestPorts.free()],
        ]
        if let notifier { settings["notifiers"] = "\(notifier.endpoint)@\(notifier.certificate)" }
        try JSONSerialization.data(withJSONObject: ["tracker": settings, "log": ["level": "info"]]).write(to: URL(fileURLWithPath: "\(intake.directory)/tracker.json"))
        process = try ServiceProcess(
            builtExecutable("iblagh-tracker"), ["--config", "\(intake.directory)/tracker.json"],
            outputPath: "\(intake.directory)/tracker.out", errorPath: "\(intake.directory)/tracker.log")
        try await waitUntilReady()
        try await intake.crashAndRestart(adding: ["trackers": "\(dispatchEndpoint)@\(keys)/own/tracker.key"])
    }

    deinit { process.stop() }

    /// Rewrites the `role` in a public certificate's metadata.
    static func setRole(_ role: String, in file: String) throws {
        var text = try String(contentsOfFile: file, encoding: .utf8)
        if let range = text.range(of: #"role = "[^"]*""#, options: .regularExpression) {
            text.replaceSubrange(range, with: "role = \"\(role)\"")
        } else {
            text = text.replacingOccurrences(of: "metadata\n", with: "metadata\n    role = \"\(role)\"\n")
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    func waitUntilReady() async throws {
        let line = try await process.waitForLine("ready ")
        commandsEndpoint = line.split(separator: " ").first { $0.hasPrefix("commands=") }.map { String($0.dropFirst(9)) } ?? ""
        dispatchEndpoint = line.split(separator: " ").first { $0.hasPrefix("dispatch=") }.map { String($0.dropFirst(9)) } ?? ""
    }

    /// `settings` are added to the tracker's configuration for the restart (e.g. `replayFacts`).
    func crashAndRestart(adding extra: [String: Any] = [:]) async throws {
        process.crash()
        try? FileManager.default.removeItem(atPath: process.outputPath)
        let file = URL(fileURLWithPath: "\(intake.directory)/tracker.json")
        var configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
        var settings = configuration["tracker"] as? [String: Any] ?? [:]
        settings["commands"] = ["endpoint": commandsEndpoint]
        settings["dispatch"] = ["endpoint": dispatchEndpoint]
        settings.merge(extra) { _, new in new }
        configuration["tracker"] = settings
        try JSONSerialization.data(withJSONObject: configuration).write(to: file)
        try process.restart()
        try await waitUntilReady()
    }

    /// Sends a command as `actor` (a key of `actors`) and returns the reply.
    func command(_ actor: String, _ tracking: String, id: String = UUID().uuidString, _ action: (inout Iblagh_V1_CaseCommand) -> Void) async throws -> Iblagh_V1_CaseCommandReply {
        let socket = try intake.context.socket(.dealer)
        try socket.makeCurveClient(
            keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(keys)/own/\(actor).key_secret"),
            serverKey: try CurveCertificate.loadPublicKey(file: "\(keys)/own/tracker.key"))
        try socket.setLinger(.zero)
        try socket.connect(commandsEndpoint)
        let bus = await AsyncSocket(socket, loop: PollLoop(name: "test-actor"))
        defer { Task { await bus.close() } }
        var command = Iblagh_V1_CaseCommand()
        command.commandID = id
        command.trackingID = tracking
        command.actor.personID = "p-\(actor)"
        action(&command)
        let envelope = try Iblagh_V1_Envelope(wrapping: command, messageID: UUID().uuidString, producer: "test")
        try await bus.send(Multipart([envelope.frame]))
        return try Iblagh_V1_Envelope(frame: try await bus.receive().frames.last ?? []).payload(as: Iblagh_V1_CaseCommandReply.self)
    }

    func state(_ tracking: String) async throws -> Iblagh_V1_CaseState {
        let raw = try await readStore(database) { try $0.rows("SELECT state FROM tracker_case WHERE tracking_id = ?", [.text(tracking)]).first?.integer("state") }
        return raw.flatMap { $0 }.flatMap { Iblagh_V1_CaseState(rawValue: Int($0)) } ?? .unspecified
    }

    func waitForState(_ tracking: String, _ wanted: Iblagh_V1_CaseState, within seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try await state(tracking) != wanted, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }

    func historyCount(_ tracking: String) async throws -> Int {
        let count = try await readStore(database) { try $0.rows("SELECT COUNT(*) AS n FROM tracker_history WHERE tracking_id = ?", [.text(tracking)]).first?.integer("n") }
        return Int((count ?? nil) ?? 0)
    }

    /// A statistics consumer collecting the tracker's facts.
    func statistics(directory: String? = nil) async throws -> TestConsumer {
        try await TestConsumer(
            group: "statistics", secretFile: "\(keys)/own/statistics.key_secret", upstreams: [(dispatchEndpoint, "\(keys)/own/tracker.key")],
            types: [.caseFact], directory: directory ?? intake.directory, context: intake.context)
    }
}
