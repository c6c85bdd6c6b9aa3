import ArgumentParser
import Foundation
import IblaghSchemas
import IblaghStore
import ZeroMQ

/// A fault run: the local stack carries uniquely keyed reports while a seeded schedule kills (-9) and pauses
/// (SIGSTOP past the heartbeat timeout) its instances — every service, several times — and restarts them; then a
/// checker compares every `Accepted` reply with intake's, the tracker's and the statistics' stores.
///
///     fault-run.sh [REPORTS] [SEED]            (Tests/FaultRun/fault-run.sh builds, starts the stack, runs this)
///
/// Exit status 0 only when nothing was lost and nothing was applied twice.
@main
struct FaultRun: AsyncParsableCommand {
    @Option(help: "deploy/local/run.sh (it starts, restarts and stops the instances).") var stack: String
    @Option(help: "The stack's state folder (IBLAGH_STATE/local).") var state: String
    @Option(help: "Uniquely keyed reports to submit at least (more while the fault schedule still runs).") var reports = 10_000
    @Option(help: "Fault cycles: each kills every instance once and pauses one.") var cycles = 3
    @Option(help: "Seed of the fault schedule and of the report keys.") var seed: UInt64 = 1
    @Option(help: "Integrator connections.") var connections = 4
    @Option(help: "Unanswered requests per connection.") var window = 32
    @Option(help: "Reports per second over all connections (the run lasts REPORTS/RATE seconds plus retries).") var rate = 200.0
    @Option(help: "Seconds between faults (uniformly between 0.5× and 1.5×).") var faultEvery = 2.0
    @Option(help: "Seconds to wait for the pipeline to drain after the last Accepted.") var drain = 180.0

    func run() async throws {
        let keys = "\(state)/keys"
        let busEndpoint = try Self.setting(in: "\(state)/config/intake.json", "intake", "bus", "endpoint")
        var random = SeededGenerator(seed: seed)
        let instances = try Self.instances(state: state)
        print("fault run: \(reports) reports, seed \(seed), \(instances.count) instances: \(instances.joined(separator: " "))")

        let context = try ZMQContext()
        let integrator = try CurveCertificate.loadKeyPair(secretFile: "\(keys)/integrator-acme.key_secret")
        let serverKey = try CurveCertificate.loadPublicKey(file: "\(keys)/intake.key")
        let ledger = AcceptedLedger()
        let faults = FaultSchedule(stack: stack, state: state, instances: instances, every: faultEvery, cycles: cycles, random: random.split())
        let source = KeySource(prefix: "fault-\(seed)-", minimum: reports, schedule: faults)
        let started = ContinuousClock.now
        let chaos = Task { await faults.run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    let client = try await RetryingIntegrator(
                        context: context, keyPair: integrator, serverKey: serverKey, endpoint: busEndpoint, window: window,
                        interval: .seconds(Double(connections) / rate))
                    try await client.submitAll(from: source, into: ledger)
                }
            }
            try await group.waitForAll()
        }
        await chaos.value
        let accepted = await ledger.snapshot()
        let submitSeconds = (ContinuousClock.now - started).seconds
        print(String(format: "submitted: %d keys accepted in %.1f s (%d requests sent again); faults: %@", accepted.trackingIDs.count,
                     submitSeconds, accepted.retries, await faults.summary))
        // Every instance runs again (a restart may still be due), then the pipeline drains.
        try await faults.restoreAll()
        let checker = Checker(state: state, accepted: accepted)
        let verdict = try await checker.waitAndCheck(within: drain)
        print(verdict.report)
        if !verdict.passed { throw ExitCode(1) }
    }

    /// A string setting from a service's JSON settings file.
    static func setting(in file: String, _ path: String...) throws -> String {
        var value: Any? = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file)))
        for key in path { value = (value as? [String: Any])?[key] }
        guard let text = value as? String else { throw ValidationError("\(file) has no \(path.joined(separator: "."))") }
        return text
    }

    /// The instance names the stack script recorded (`NAME PID` per line).
    static func instances(state: String) throws -> [String] {
        let text = try String(contentsOfFile: "\(state)/pids", encoding: .utf8)
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.sorted()
    }
}

/// Hands out report keys: at least `minimum`, and more as long as the fault schedule runs, so every fault hits a
/// pipeline under load.
actor KeySource {
    let prefix: String
    let minimum: Int
    let schedule: FaultSchedule
    private var issued = 0

    init(prefix: String, minimum: Int, schedule: FaultSchedule) {
        self.prefix = prefix
        self.minimum = minimum
        self.schedule = schedule
    }

    func next() async -> String? {
        if issued >= minimum, await schedule.isDone { return nil }
        issued += 1
        return "\(prefix)\(issued - 1)"
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
