import Foundation
import IblaghSchemas
import IblaghStore
import ZeroMQ

/// Router processes behind a test's intake: each with its own key pair (enrolled at intake), its own database, a
/// copy of the reference data it watches, and an allow-list of its own consumers (a notifier and a tracker).
public final class RouterFixture: @unchecked Sendable {
    // @unchecked: set up in init; the test's task alone restarts processes.
    public let intake: IntakeFixture
    public let processes: [ServiceProcess]
    public let dispatchEndpoints: [String]
    /// Each instance's probes and metrics port.
    public let httpPorts: [Int]
    public var keys: String { "\(intake.directory)/keys" }
    public var referenceFile: String { "\(intake.directory)/reference.json" }

    /// `notifiers`: the notifier key pairs enrolled at the routers, with their roles (the regions they serve).
    public init(intake: IntakeFixture, instances: Int = 1, notifiers: [(name: String, role: String)] = [("notifier", RouterFixture.allRegions)]) async throws {
        self.intake = intake
        let keys = "\(intake.directory)/keys"
        for (name, role) in notifiers + [("router-tracker", "tracker")] {
            let pair = try CurveKeyPair.generate()
            _ = try CurveCertificate.write(pair, name: name, directory: "\(keys)/own")
            _ = try CurveCertificate.write(pair, name: name, directory: "\(keys)/router-consumers", metadata: ["role": role])
            try FileManager.default.removeItem(atPath: "\(keys)/router-consumers/\(name).key_secret")
        }
        // The tracker's key (enrolled at intake as `tracker`) is enrolled here too: one tracker consumes from every stage.
        if !FileManager.default.fileExists(atPath: "\(keys)/router-consumers/tracker.key") {
            try FileManager.default.copyItem(atPath: "\(keys)/consumers/tracker.key", toPath: "\(keys)/router-consumers/tracker.key")
        }
        if !FileManager.default.fileExists(atPath: "\(intake.directory)/reference.json") {
            try FileManager.default.copyItem(atPath: Self.repositoryReference, toPath: "\(intake.directory)/reference.json")
        }
        var processes: [ServiceProcess] = [], endpoints: [String] = [], ports: [Int] = []
        for index in 1...instances {
            let name = index == 1 ? "router" : "router-\(index)"
            let configuration: [String: Any] = [
                "router": [
                    "id": name, "database": try await intake.databaseLocation(name), "key": "\(keys)/own/\(name).key_secret",
                    "upstreams": "\(intake.dispatchEndpoint)@\(keys)/own/intake.key", "consumers": "\(keys)/router-consumers",
                    "dispatch": ["endpoint": "tcp://127.0.0.1:*"], "reference": ["file": "\(intake.directory)/reference.json"],
                    "http": ["port": 0],
                ] as [String: Any],
                "log": ["level": "info"],
            ]
            let file = "\(intake.directory)/\(name).json"
            try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: file))
            // The reference file's check interval is a fraction of a second here, so a replacement shows quickly.
            let process = try ServiceProcess(
                builtExecutable("iblagh-router"), ["--config", file, "--router-reference-check-seconds", "0.2"],
                outputPath: "\(intake.directory)/\(name).out", errorPath: "\(intake.directory)/\(name).log")
            let ready = try await process.waitForLine("ready ")
            endpoints.append(ready.split(separator: " ").first { $0.hasPrefix("dispatch=") }.map { String($0.dropFirst(9)) } ?? "")
            ports.append(ready.split(separator: " ").first { $0.hasPrefix("http=") }.flatMap { Int($0.dropFirst(5)) } ?? 0)
            processes.append(process)
        }
        self.processes = processes
        self.dispatchEndpoints = endpoints
        self.httpPorts = ports
    }

    deinit { for process in processes { process.stop() } }

    /// A notifier role serving every region and the national unit.
    public static let allRegions = (["national"] + (1...12).map { String(format: "%02d", $0) }).map { "notifier:\($0)" }.joined(separator: ",")

    public static var repositoryReference: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy/reference/morocco-territory.json").standardized.path
    }

    /// Every router instance as `ENDPOINT@PUBLIC_CERT`, the way downstream services name their upstreams.
    public var upstreams: String {
        (0..<processes.count).map { "\(dispatchEndpoints[$0])@\(keys)/own/\($0 == 0 ? "router" : "router-\($0 + 1)").key" }.joined(separator: ",")
    }

    /// A tracker connected to every router instance, collecting `CaseRouted`.
    public func tracker() async throws -> TestConsumer {
        try await TestConsumer(
            group: "tracker", secretFile: "\(keys)/own/router-tracker.key_secret",
            upstreams: (0..<processes.count).map { index in
                (dispatchEndpoints[index], "\(keys)/own/\(index == 0 ? "router" : "router-\(index + 1)").key")
            },
            types: [.caseRouted], directory: intake.directory, context: intake.context)
    }

    /// The decisions in router instance `index`'s database.
    public func decisions(_ index: Int) async throws -> [(trackingID: String, version: Int, unit: String, dataVersion: String)] {
        let location = try await intake.databaseLocation(index == 0 ? "router" : "router-\(index + 1)")
        let rows = try await readStore(location) { try $0.rows("SELECT tracking_id, version, territorial_unit, data_version FROM router_decision ORDER BY decided_at", []) }
        return (rows ?? []).map {
            ($0.text("tracking_id") ?? "", Int($0.integer("version") ?? 0), $0.text("territorial_unit") ?? "", $0.text("data_version") ?? "")
        }
    }
}
