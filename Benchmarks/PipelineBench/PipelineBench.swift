import ArgumentParser
import BenchSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Histogram
import IblaghCrypto
import IblaghSchemas
import Synchronization
import ZeroMQ

/// End-to-end benchmark of a running local stack (`run`, the default), and the comparison of two of its runs
/// (`compare`).
@main
struct PipelineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline-bench", abstract: "End-to-end benchmark of a running local stack.",
        subcommands: [Run.self, Compare.self], defaultSubcommand: Run.self)
}

/// `compare BEFORE.json AFTER.json`: two runs' figures side by side, each with after ÷ before (`PipelineComparison`).
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Two runs' JSON files side by side, and how each figure moved.")
    @Argument(help: "The earlier run's JSON file.") var before: String
    @Argument(help: "The later run's JSON file.") var after: String

    func run() throws {
        do {
            print(PipelineComparison(before: try PipelineResults.load(before), after: try PipelineResults.load(after)).table)
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
    }
}

/// The whole pipeline under load: integrator connections submit reports to a running local stack
/// (`deploy/local/run.sh`), a unit console watches the Kénitra unit, and the run ends when statistics has counted
/// every accepted report. Prints a table (with the baselines `Benchmarks/pipeline.sh` measured in the same run and
/// each figure's ratio to them) and writes JSON, so two runs can be compared (`compare`).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load a running local stack and measure it (the default).")

    @Option(help: "The stack's state folder (IBLAGH_STATE of run.sh).") var state: String
    @Option(help: "The stack's port offset (IBLAGH_PORT_OFFSET of run.sh).") var offset = 0
    @Option(help: "Integrator connections.") var connections = 8
    @Option(help: "Reports per second for the open loop; 0 for the closed loop (as fast as answers come).") var rate = 0
    @Option(help: "Requests outstanding per connection in the closed loop.") var window = 32
    @Option(help: "Seconds of load.") var seconds = 60
    @Option(help: "Characters of each report's description (its payload).") var payload = 400
    @Option(help: "Seconds to wait before the load: a freshly started producer only listens for replayed ACKs for its first 3 s (PROTOCOL.md §4), which would show as a tail that no steady state has.")
    var warmup = 5.0
    @Option(help: "Write the results here as JSON.") var json: String?
    @Option(help: "Baseline: raw CURVE PUSH/PULL, messages/s.") var baselineCurve: Double?
    @Option(help: "Baseline: SQLite durable inserts, 1,000 per transaction, rows/s.") var baselineSqlite: Double?
    @Option(help: "Baseline: the single reliable hop, messages/s.") var baselineHop: Double?

    func run() async throws {
        let keys = "\(state)/local/keys"
        guard FileManager.default.fileExists(atPath: "\(keys)/statistics.operator-key") else {
            throw ValidationError("no local stack's keys in \(keys): start one with IBLAGH_STATE=\(state) deploy/local/stack.sh start")
        }
        try await Task.sleep(for: .seconds(warmup))
        let context = try ZMQContext()
        let endpoint = { (port: Int) in "tcp://127.0.0.1:\(port + offset)" }
        let statistics = "http://127.0.0.1:\(8502 + offset)"
        let operatorKey = try String(contentsOfFile: "\(keys)/statistics.operator-key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try await counted(statistics, operatorKey)
        let clock = Clocks()

        // The Kénitra unit's console, watching: each pushed case is a "notified" time.
        let console = try context.socket(.dealer)
        try console.makeCurveClient(keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(keys)/console-kenitra.key_secret"),
                                    serverKey: try CurveCertificate.loadPublicKey(file: "\(keys)/notifier-east.key"))
        try console.setLinger(.zero)
        // No limit on what waits for us: the notifier stops pushing to a console 1,000 events behind (it lists again
        // when it comes back), and this one falls behind when the machine is saturated — 20,001 of 60,000 cases went
        // unseen in one run at 1,000/s.
        try console.setReceiveHighWaterMark(0)
        try console.connect(endpoint(7301))
        let watch = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ConsoleRequest.with { $0.watch = .init() }, messageID: "bench-watch", producer: "bench")
        try console.send(Multipart([watch.frame]))
        // The load starts once the notifier has the console as a watcher (its reply to `Watch`): a case assigned
        // before is only in that reply's list, never pushed, and a few went uncounted in runs where the first reports
        // won the race.
        try console.setReceiveTimeout(.seconds(1))
        let watchedBy = ContinuousClock.now + .seconds(30)
        while true {
            guard ContinuousClock.now < watchedBy else { throw ValidationError("the notifier did not answer the console's Watch within 30 s") }
            guard let message = try? console.receive(), let reply = try? Iblagh_V1_Envelope(frame: message.frames.last ?? []) else { continue }
            if reply.correlationID == "bench-watch" { break }
        }
        // On a thread of its own, like the integrators below; checks every second whether the run is over.
        let watcher = HandedSocket(console), stopWatching = Atomic<Bool>(false)
        let watching = Thread {
            while !stopWatching.load(ordering: .relaxed) {
                guard let message = try? watcher.socket.receive(),
                    let envelope = try? Iblagh_V1_Envelope(frame: message.frames.last ?? []), envelope.type == .consoleEvent,
                    let event = try? envelope.payload(as: Iblagh_V1_ConsoleEvent.self)
                else { continue }
                clock.notified(event.case.trackingID)
            }
        }
        watching.name = "bench-console"
        watching.start()

        let services = try Self.services(state: state)
        let cpuBefore = services.mapValues(ProcessCPU.seconds), writtenBefore = services.mapValues(ProcessIO.writtenBytes)
        let run = UUID().uuidString.prefix(6)
        let start = ContinuousClock.now
        let end = start + .seconds(seconds)
        let machineBefore = MachineCPU.now(), benchBefore = ProcessCPU.seconds(getpid())
        let serverKey = try CurveCertificate.loadPublicKey(file: "\(keys)/intake.key")
        let clientKeys = try CurveCertificate.loadKeyPair(secretFile: "\(keys)/integrator-acme.key_secret")
        var rss: [String: Int] = [:], pss: [String: Int] = [:]
        let sampler = Task {
            try? await Task.sleep(for: .seconds(Double(seconds) / 2))
            return (services.mapValues(Self.residentKiB), services.mapValues(Self.proportionalKiB))
        }
        let busEndpoint = endpoint(7101), perConnection = Double(rate) / Double(max(1, connections)), window = self.window, payload = self.payload
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    let socket = try context.socket(.dealer)
                    try socket.makeCurveClient(keyPair: clientKeys, serverKey: serverKey)
                    try socket.setLinger(.zero)
                    try socket.setSendHighWaterMark(0)
                    try socket.connect(busEndpoint)
                    // Each connection is driven by a thread of its own, blocking in libzmq between its sends: the load
                    // generator shares the two cores with the stack, and awaiting a reply or a send time through
                    // Swift's pool cost it 12 context switches per report (a quarter of a core at 1,000/s).
                    let handed = HandedSocket(socket)
                    try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
                        let thread = Thread {
                            done.resume(with: Result {
                                try Self.drive(handed.socket, connection: connection, run: String(run), until: end, rate: perConnection,
                                               window: window, payload: payload, clock: clock)
                            })
                        }
                        thread.name = "bench-\(connection)"
                        thread.start()
                    }
                }
            }
            try await group.waitForAll()
        }
        let loadEnd = ContinuousClock.now
        var machine: MachineLoad?
        if let before = machineBefore, let after = MachineCPU.now() {
            let services = services.values.map(ProcessCPU.seconds).reduce(0, +) - cpuBefore.values.reduce(0, +)
            machine = MachineCPU.load(from: before, to: after, services: services, loadGenerator: ProcessCPU.seconds(getpid()) - benchBefore)
        }
        (rss, pss) = await sampler.value
        let accepted = clock.acceptedCount
        // Done when statistics has counted every accepted report.
        var countedAt = loadEnd
        let deadline = Date().addingTimeInterval(600)
        while try await counted(statistics, operatorKey) < before + accepted {
            guard Date() < deadline else { throw ValidationError("statistics did not count \(accepted) reports within 10 minutes") }
            try await Task.sleep(for: .milliseconds(200))
            countedAt = ContinuousClock.now
        }
        // Statistics can count a report before its case reaches the console (they are different ways through the
        // stack): the last few pushes may still be on theirs. Every report is Kénitra's, so wait for each (a short
        // while: a case never pushed shows in the count printed).
        let pushDeadline = ContinuousClock.now + .seconds(30)
        while clock.notifiedCount < accepted, ContinuousClock.now < pushDeadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        stopWatching.store(true, ordering: .relaxed)
        // Named, so a missing push can be followed into the notifier's database (`notifier_assignment`).
        let unseen = clock.unnotified
        if !unseen.isEmpty {
            FileHandle.standardError.write(Data(
                "\(unseen.count) accepted case(s) not seen on the Kénitra console 30 s after statistics counted them: \(unseen.prefix(10).joined(separator: " "))\n".utf8))
        }
        let cpuAfter = services.mapValues(ProcessCPU.seconds), writtenAfter = services.mapValues(ProcessIO.writtenBytes)
        let cpuByService = services.keys.reduce(into: [String: Double]()) { $0[$1] = (cpuAfter[$1] ?? 0) - (cpuBefore[$1] ?? 0) }
        let writtenByService = services.keys.reduce(into: [String: Double]()) { $0[$1] = (writtenAfter[$1] ?? 0) - (writtenBefore[$1] ?? 0) }
        let cpu = cpuByService.values.reduce(0, +)
        let perReport = { (value: Double) in accepted > 0 ? value / Double(accepted) : 0 }
        let elapsed = (countedAt - start).inSeconds
        let results = PipelineResults(
            mode: rate > 0 ? "open loop at \(rate)/s" : "closed loop, window \(window) per connection", connections: connections,
            seconds: seconds, payloadCharacters: payload, sent: clock.sentCount, accepted: accepted,
            endToEndPerSecond: Double(accepted) / elapsed,
            acceptedPerSecond: Double(accepted) / min((loadEnd - start).inSeconds, Double(seconds)),
            ackMillis: clock.ackPercentiles(), notifiedMillis: clock.notifiedPercentiles(), notifiedCount: clock.notifiedCount,
            residentMiB: rss.mapValues { Double($0) / 1024 }, proportionalMiB: pss.mapValues { Double($0) / 1024 }, processes: services.count, cpuMillisecondsPerReport: perReport(cpu * 1000),
            cpuMillisecondsPerReportByService: cpuByService.mapValues { perReport($0 * 1000) },
            writtenKiBPerReportByService: writtenByService.mapValues { perReport($0 / 1024) },
            baselines: ["raw CURVE PUSH/PULL msg/s": baselineCurve, "SQLite 1,000/tx rows/s": baselineSqlite, "single hop msg/s": baselineHop]
                .compactMapValues { $0 },
            machine: machine)
        print("\n" + results.table)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: json))
        }
    }

    /// One connection's load: open loop (a request every 1/rate s) or closed loop (`window` outstanding), on the
    /// calling thread, which owns `bus`.
    static func drive(
        _ bus: ZMQSocket, connection: Int, run: String, until end: ContinuousClock.Instant, rate: Double, window: Int, payload: Int, clock: Clocks
    ) throws {
        let description = String(repeating: "x", count: max(10, payload))
        var sent = 0, outstanding = 0
        let started = ContinuousClock.now
        func send() throws {
            let id = "\(run)-\(connection)-\(sent)"
            let submit = Iblagh_V1_SubmitReport.with {
                $0.integratorReportKey = id
                $0.report = .with {
                    $0.category = sent % 3 == 0 ? .sextortion : .fraud
                    $0.description_p = description
                    $0.residence = "Kénitra"
                    $0.preferredLanguage = .french
                }
            }
            clock.submitted(id)
            try bus.send(Multipart([try Iblagh_V1_Envelope(wrapping: submit, messageID: id, producer: "bench").frame]))
            sent += 1
            outstanding += 1
        }
        /// Waits for a reply until `deadline` (rounded up to the millisecond), then takes every reply already waiting.
        func receive(before deadline: ContinuousClock.Instant) throws {
            // Rounded up: a timeout of 0 would not wait at all, and the thread would spin until the deadline.
            try bus.setReceiveTimeout(.milliseconds(max(1, Int(((deadline - .now).inSeconds * 1000).rounded(.up)))))
            var message: Multipart?
            do {
                message = try bus.receive()
            } catch let error as ZMQError where error.isWouldBlock {
                return
            }
            while let reply = message {
                if let envelope = try? Iblagh_V1_Envelope(frame: reply.frames.last ?? []),
                    let answer = try? envelope.payload(as: Iblagh_V1_SubmitReportReply.self)
                {
                    outstanding -= 1
                    if case .accepted(let accepted) = answer.outcome { clock.accepted(envelope.correlationID, trackingID: accepted.trackingID) }
                }
                message = try bus.receive(dontWait: true)
            }
        }
        while ContinuousClock.now < end {
            if rate > 0 {
                let due = started + .seconds(Double(sent) / rate)
                if due <= .now { try send() } else { try receive(before: due) }
            } else {
                while outstanding < window { try send() }
                try receive(before: .now + .seconds(5))
            }
        }
        let drain = ContinuousClock.now + .seconds(30)
        while outstanding > 0, ContinuousClock.now < drain { try receive(before: drain) }
    }

    /// How many reports statistics has counted this year (the funnel's first stage, internal: unsuppressed).
    func counted(_ base: String, _ key: String) async throws -> Int {
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        var request = URLRequest(url: URL(string: "\(base)/v1/reports/funnel?year=\(year)&internal=1")!)
        request.setValue(key, forHTTPHeaderField: "Iblagh-Operator-Key")
        let (data, _) = try await URLSession.shared.data(for: request)
        let funnel = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (funnel["stages"] as? [[String: Any]])?.first { $0["stage"] as? String == "reports" }?["count"] as? Int ?? 0
    }

    /// The stack's instances and their process ids (run.sh's pids file).
    static func services(state: String) throws -> [String: Int32] {
        let text = try String(contentsOfFile: "\(state)/local/pids", encoding: .utf8)
        return Dictionary(text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? Int32(parts[1]).map { (String(parts[0]), $0) } : nil
        }, uniquingKeysWith: { _, last in last })
    }

    /// Resident memory of a process in KiB (/proc/PID/status VmRSS).
    static func residentKiB(_ pid: Int32) -> Int { kibField("VmRSS:", in: "/proc/\(pid)/status") }

    /// Proportional memory in KiB (/proc/PID/smaps_rollup Pss): pages shared with other processes — the Swift runtime,
    /// Foundation, libcrypto, which all seven services map — count for each a share, not whole.
    static func proportionalKiB(_ pid: Int32) -> Int { kibField("Pss:", in: "/proc/\(pid)/smaps_rollup") }

    private static func kibField(_ name: String, in file: String) -> Int {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(name) }?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }
}

/// Submission, acceptance and notification times, by request id and tracking id.
final class Clocks: Sendable {
    private struct State {
        var submitted: [String: ContinuousClock.Instant] = [:]
        var acceptedAt: [String: ContinuousClock.Instant] = [:]  // tracking id -> submitted
        var notifiedEarly: [String: ContinuousClock.Instant] = [:]
        var ack = Histogram<UInt64>(highestTrackableValue: 600_000_000)
        var notified = Histogram<UInt64>(highestTrackableValue: 600_000_000)
        var accepted = 0
        var notifiedCount = 0
        var sent = 0
    }
    private let state = Mutex(State())

    func submitted(_ id: String) {
        let now = ContinuousClock.now
        state.withLock {
            $0.submitted[id] = now
            $0.sent += 1
        }
    }

    func accepted(_ id: String, trackingID: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard let sent = state.submitted.removeValue(forKey: id) else { return }
            state.accepted += 1
            _ = state.ack.record(Self.micros(now - sent))
            if let notified = state.notifiedEarly.removeValue(forKey: trackingID) {
                state.notifiedCount += 1
                _ = state.notified.record(Self.micros(notified - sent))
            } else {
                state.acceptedAt[trackingID] = sent
            }
        }
    }

    func notified(_ trackingID: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            if let sent = state.acceptedAt.removeValue(forKey: trackingID) {
                state.notifiedCount += 1
                _ = state.notified.record(Self.micros(now - sent))
            } else {
                state.notifiedEarly[trackingID] = now
            }
        }
    }

    var acceptedCount: Int { state.withLock { $0.accepted } }
    var sentCount: Int { state.withLock { $0.sent } }
    var notifiedCount: Int { state.withLock { $0.notifiedCount } }
    /// Tracking ids accepted and not (yet) seen on the console.
    var unnotified: [String] { state.withLock { $0.acceptedAt.keys.sorted() } }
    func ackPercentiles() -> Percentiles { state.withLock { Percentiles($0.ack) } }
    func notifiedPercentiles() -> Percentiles { state.withLock { Percentiles($0.notified) } }

    static func micros(_ duration: Duration) -> UInt64 { UInt64(max(0, duration.inSeconds * 1_000_000)) }
}

extension Percentiles {
    init(_ histogram: Histogram<UInt64>) {
        self.init(p50: Double(histogram.valueAtPercentile(50)) / 1000, p99: Double(histogram.valueAtPercentile(99)) / 1000,
                  p999: Double(histogram.valueAtPercentile(99.9)) / 1000)
    }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A socket handed to the thread that will use it from then on, and by no other.
final class HandedSocket: @unchecked Sendable {
    let socket: ZMQSocket
    init(_ socket: ZMQSocket) { self.socket = socket }
}
