import Foundation
import IblaghSchemas
import IblaghStore
import ZeroMQ

/// A notifier process behind a test's routers: its regions, a unit directory, consoles enrolled for a few units,
/// and a clock read from a file the test moves (deadlines fire without sleeping).
public final class NotifierFixture: @unchecked Sendable {
    // @unchecked: set up in init; only the test's task restarts the process.
    public let name: String
    public let directory: String
    public let process: ServiceProcess
    public private(set) var consoleEndpoint = ""
    public private(set) var dispatchEndpoint = ""
    public let context: ZMQContext
    public var clockFile: String { "\(directory)/clock" }
    public let database: String
    public var keys: String { "\(directory)/keys" }
    /// A moment to start the test clock at.
    public static let start = 1_800_000_000.0

    public static let consoles = [
        "kenitra": "police.wilaya.kenitra", "casablanca": "police.wilaya.casablanca",
        "supervisor-04": "police.region.04.supervisor", "national": "police.national.cybercrime",
    ]

    public init(routers: RouterFixture, name: String = "notifier", regions: String, units: [String: Any]? = nil, testClock: Bool = true) async throws {
        self.name = name
        directory = routers.intake.directory
        context = routers.intake.context
        database = try await routers.intake.databaseLocation(name)
        let keys = "\(directory)/keys"
        for (console, unit) in Self.consoles where !FileManager.default.fileExists(atPath: "\(keys)/own/console-\(console).key_secret") {
            let pair = try CurveKeyPair.generate()
            _ = try CurveCertificate.write(pair, name: "console-\(console)", directory: "\(keys)/own")
            _ = try CurveCertificate.write(pair, name: "console-\(console)", directory: "\(keys)/consoles", metadata: ["role": "unit:\(unit)"])
            try FileManager.default.removeItem(atPath: "\(keys)/consoles/console-\(console).key_secret")
        }
        if !FileManager.default.fileExists(atPath: "\(keys)/notifier-consumers") {
            let pair = try CurveKeyPair.generate()
            _ = try CurveCertificate.write(pair, name: "notifier-tracker", directory: "\(keys)/own")
            _ = try CurveCertificate.write(pair, name: "notifier-tracker", directory: "\(keys)/notifier-consumers", metadata: ["role": "tracker"])
            try FileManager.default.removeItem(atPath: "\(keys)/notifier-consumers/notifier-tracker.key_secret")
            try FileManager.default.copyItem(atPath: "\(keys)/consumers/tracker.key", toPath: "\(keys)/notifier-consumers/tracker.key")
        }
        if testClock { try "\(Self.start)".write(toFile: "\(directory)/clock", atomically: true, encoding: .utf8) }
        var settings: [String: Any] = [
            "id": name, "database": database, "key": "\(keys)/own/\(name).key_secret", "regions": regions,
            "upstreams": routers.upstreams, "consumers": "\(keys)/notifier-consumers", "consoles": "\(keys)/consoles",
            "dispatch": ["endpoint": TestPorts.endpoint()], "console": ["endpoint": TestPorts.endpoint()],
            "clock": testClock ? "file:\(directory)/clock" : "system", "tickSeconds": 0.1, "webhook": ["retrySeconds": 0.2, "timeoutSeconds": 2],
            "http": ["port": 0],
        ]
        if let units {
            try JSONSerialization.data(withJSONObject: units).write(to: URL(fileURLWithPath: "\(directory)/\(name)-units.json"))
            settings["units"] = "\(directory)/\(name)-units.json"
        }
        try JSONSerialization.data(withJSONObject: ["notifier": settings, "log": ["level": "info"]]).write(to: URL(fileURLWithPath: "\(directory)/\(name).json"))
        process = try ServiceProcess(
            builtExecutable("iblagh-notifier"), ["--config", "\(directory)/\(name).json"],
            outputPath: "\(directory)/\(name).out", errorPath: "\(directory)/\(name).log")
        try await waitUntilReady()
    }

    deinit { process.stop() }

    public func waitUntilReady() async throws {
        let line = try await process.waitForLine("ready ")
        consoleEndpoint = line.split(separator: " ").first { $0.hasPrefix("console=") }.map { String($0.dropFirst(8)) } ?? ""
        dispatchEndpoint = line.split(separator: " ").first { $0.hasPrefix("dispatch=") }.map { String($0.dropFirst(9)) } ?? ""
    }

    /// kill -9, then the same process again on the same console port.
    public func crashAndRestart() async throws {
        process.crash()
        try? FileManager.default.removeItem(atPath: process.outputPath)
        let file = URL(fileURLWithPath: "\(directory)/\(name).json")
        var configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
        var settings = configuration["notifier"] as? [String: Any] ?? [:]
        settings["console"] = ["endpoint": consoleEndpoint]
        configuration["notifier"] = settings
        try JSONSerialization.data(withJSONObject: configuration).write(to: file)
        try process.restart()
        try await waitUntilReady()
    }

    /// The prosecution tracker's side of the notifier's hop, collecting what the notifier reports.
    public func tracker() async throws -> TestConsumer {
        try await TestConsumer(
            group: "tracker", secretFile: "\(keys)/own/notifier-tracker.key_secret", upstreams: [(dispatchEndpoint, "\(keys)/own/\(name).key")],
            types: [.unitNotified, .unitAcknowledged, .escalated, .complainantContacted], directory: directory, context: context)
    }

    /// Moves the test clock to `start + seconds`.
    public func setClock(_ seconds: Double) throws {
        try "\(Self.start + seconds)".write(toFile: clockFile, atomically: true, encoding: .utf8)
    }

    /// A console connected with the key enrolled for `console` (a key of `consoles`).
    public func console(_ console: String) async throws -> AsyncSocket {
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(
            keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(keys)/own/console-\(console).key_secret"),
            serverKey: try CurveCertificate.loadPublicKey(file: "\(keys)/own/\(name).key"))
        try socket.setLinger(.zero)
        try socket.connect(consoleEndpoint)
        return await AsyncSocket(socket, loop: PollLoop(name: "test-console"))
    }

    /// Sends `request` and returns the reply to it (skipping pushed events).
    public func request(_ socket: AsyncSocket, _ request: Iblagh_V1_ConsoleRequest) async throws -> Iblagh_V1_ConsoleReply {
        let envelope = try Iblagh_V1_Envelope(wrapping: request, messageID: UUID().uuidString, producer: "test-console")
        try await socket.send(Multipart([envelope.frame]))
        while true {
            let reply = try Iblagh_V1_Envelope(frame: try await socket.receive().frames.last ?? [])
            if reply.correlationID == envelope.messageID { return try reply.payload(as: Iblagh_V1_ConsoleReply.self) }
        }
    }

    public func openCases(_ console: String) async throws -> [Iblagh_V1_ConsoleCase] {
        let socket = try await self.console(console)
        defer { Task { await socket.close() } }
        return try await request(socket, .with { $0.list = .init() }).cases.cases
    }

    /// Waits until `console` lists a case satisfying `condition`.
    public func waitForCase(_ console: String, within seconds: Double = 30, where condition: (Iblagh_V1_ConsoleCase) -> Bool) async throws -> Iblagh_V1_ConsoleCase? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let found = try await openCases(console).first(where: condition) { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// The units told about `trackingID`, in order, with their level.
    public func assignments(_ trackingID: String) async throws -> [(unit: String, level: Int, notifiedAt: Double)] {
        let rows = try await readStore(database) {
            try $0.rows("SELECT unit_id, level, notified_at FROM notifier_assignment WHERE tracking_id = ? ORDER BY seq", [.text(trackingID)])
        }
        return (rows ?? []).map { ($0.text("unit_id") ?? "", Int($0.integer("level") ?? 0), $0.real("notified_at") ?? 0) }
    }

    public func caseCount() async throws -> Int {
        let count = try await readStore(database) { try $0.rows("SELECT COUNT(*) AS n FROM notifier_case", []).first?.integer("n") }
        return Int((count ?? nil) ?? 0)
    }
}

/// Submits a report from `residence` through intake's bus; returns its tracking id.
public func submitReport(_ intake: IntakeFixture, residence: String, key: String, minor: Bool = false) async throws -> String {
    var report = Canary.report(accounts: [])
    report.residence = residence
    report.victimIsMinor = minor
    let socket = try await intake.integrator()
    defer { Task { await socket.close() } }
    return try await intake.submit(Canary.submit(key: key, report: report), on: socket).payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID
}
