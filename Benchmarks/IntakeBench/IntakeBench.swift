import ArgumentParser
import Foundation
import Histogram
import IblaghCrypto
import IblaghSchemas
import IblaghStore
import Synchronization
import SwiftProtobuf
import ZeroMQ

/// Intake's benchmark: reports submitted over the bus by several pipelined integrator connections to a real
/// `iblagh-intake` process (CURVE, fsync before every reply), beside the raw CURVE request/reply round trip of the
/// same connections and window, measured in the same run. Benchmarks/intake.sh builds and runs it.
@main
struct IntakeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "intake-bench", abstract: "Benchmark of intake's bus API.")

    @Option(help: "The iblagh-intake executable.") var intake: String
    @Option(help: "Folder for keys and the database (on the disk being measured).") var dir: String
    @Option(help: "Reports in the closed-loop run.") var count = 40_000
    @Option(help: "Integrator connections.") var connections = 8
    @Option(help: "Requests outstanding per connection in the closed loop.") var window = 64
    @Option(help: "Reports per second in the open-loop run.") var rate = 1_000
    @Option(help: "Seconds of the open-loop run.") var seconds = 10
    @Option(help: "A file for the open loop's requests, one line each: when it was due (ms from the start) and its latency (ms).")
    var trace: String?
    @Option(help: "scrypt cost of receipt hashes, as log2(n) (intake's default is 10).") var scryptLogN = 10
    @Option(help: "An iblagh-router executable: also measure reports/s through intake -> router (routed and committed).")
    var router: String?
    @Option(help: "The reference data file for --router.") var reference = "deploy/reference/morocco-territory.json"

    func run() async throws {
        try? FileManager.default.removeItem(atPath: dir)
        let setup = try BenchSetup(directory: dir, scryptLogN: scryptLogN)
        let context = try ZMQContext()

        // Baseline: the same connections and window against a CURVE ROUTER that answers at once.
        let echo = try EchoServer(context: context, keyPair: setup.serverKeys, allowList: setup.allowList)
        let raw = try await Load.closedLoop(context: context, endpoint: echo.endpoint, setup: setup, connections: connections, window: window, count: count)
        echo.stop()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: intake)
        process.arguments = ["--config", setup.configFile]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        defer { process.terminate() }
        let (endpoint, dispatch) = try Self.endpoints(from: output)
        var routerProcess: Process?
        if let router {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: router)
            process.arguments = [
                "--router-key", "\(dir)/keys/router.key_secret", "--router-upstreams", "\(dispatch)@\(dir)/keys/intake.key",
                "--router-consumers", "\(dir)/keys/router-consumers", "--router-database", "\(dir)/router.db",
                "--router-dispatch-endpoint", "tcp://127.0.0.1:*", "--router-http-port", "0", "--router-reference-file", reference,
                "--log-level", "warning",
            ]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            routerProcess = process
        }
        defer { routerProcess?.terminate() }

        let closed = try await Load.closedLoop(context: context, endpoint: endpoint, setup: setup, connections: connections, window: window, count: count)
        let routed = routerProcess == nil ? nil : try await Self.routedRate(database: "\(dir)/router.db", count: count - count % connections)
        let open = try await Load.openLoop(context: context, endpoint: endpoint, setup: setup, connections: connections, rate: rate, seconds: seconds, trace: trace)

        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        func row(_ name: String, _ result: Load.Result, _ baseline: Load.Result?) {
            let ratio = baseline.map { String(format: "%.3f", result.rate / $0.rate) } ?? "-"
            print(pad(name, 60) + String(format: "%10.0f %8@ %9.2f %9.2f %9.2f", result.rate, ratio, result.p50, result.p99, result.p999))
        }
        print(pad("workload (\(connections) connections)", 60) + "  reports/s    ÷ raw    p50 ms    p99 ms  p99.9 ms")
        row("raw CURVE request/reply (window \(window) per connection)", raw, nil)
        row("intake: submit -> durable Accepted (window \(window))", closed, raw)
        row("intake: open loop at \(rate)/s for \(seconds) s", open, nil)
        if let routed {
            print(pad("intake -> router: reports routed and committed", 60) + String(format: "%10.0f", routed))
        }
        print("receipt hash: scrypt n=2^\(scryptLogN), r=8, p=1; fsync (synchronous=FULL) before every reply")
    }

    /// Intake's `ready` line: its bus and dispatch endpoints.
    static func endpoints(from pipe: Pipe) throws -> (bus: String, dispatch: String) {
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }) {
                let fields = Dictionary(line.split(separator: " ").dropFirst().compactMap { field -> (String, String)? in
                    let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
                    return pair.count == 2 ? (pair[0], pair[1]) : nil
                }, uniquingKeysWith: { first, _ in first })
                if let bus = fields["bus"], let dispatch = fields["dispatch"] { return (bus, dispatch) }
            }
        }
        throw ValidationError("intake did not start: \(text)")
    }

    /// Reports/s from the first report's submission to the last one's routing decision, read from the router's
    /// database once it holds `count` decisions.
    static func routedRate(database: String, count: Int) async throws -> Double {
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: database) {
                let store = try SQLiteStore(path: database, migrations: [])
                let row = try await store.read {
                    try $0.rows("SELECT COUNT(*) AS n, MAX(decided_at) AS last FROM router_decision", []).first
                }
                if let row, Int(row.integer("n") ?? 0) >= count {
                    let intake = try SQLiteStore(path: database.replacingOccurrences(of: "router.db", with: "intake.db"), migrations: [])
                    let first = try await intake.read { try $0.rows("SELECT MIN(submitted_at) AS first FROM intake_report", []).first?.real("first") } ?? 0
                    return Double(count) / max(0.001, (row.real("last") ?? 0) - first)
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("the router did not route \(count) reports within 5 minutes")
    }
}

/// Keys, data key and configuration of the benchmark's intake.
struct BenchSetup: Sendable {
    let serverKeys: CurveKeyPair
    let clientKeys: CurveKeyPair
    let allowList: AllowList
    let configFile: String

    init(directory: String, scryptLogN: Int) throws {
        let keys = "\(directory)/keys"
        serverKeys = try CurveKeyPair.generate()
        clientKeys = try CurveKeyPair.generate()
        allowList = AllowList([clientKeys.publicKey: "integrator:bench"])
        _ = try CurveCertificate.write(serverKeys, name: "intake", directory: keys)
        _ = try CurveCertificate.write(clientKeys, name: "bench", directory: "\(keys)/integrators", metadata: ["role": "integrator:bench"])
        try FileManager.default.removeItem(atPath: "\(keys)/integrators/bench.key_secret")
        // A router (its own key pair, enrolled at intake) and the router's own consumers directory (empty).
        let router = try CurveKeyPair.generate()
        _ = try CurveCertificate.write(router, name: "router", directory: keys)
        _ = try CurveCertificate.write(router, name: "router", directory: "\(keys)/consumers", metadata: ["role": "router"])
        try FileManager.default.removeItem(atPath: "\(keys)/consumers/router.key_secret")
        try FileManager.default.createDirectory(atPath: "\(keys)/router-consumers", withIntermediateDirectories: true)
        try DataKeyFile.generate("\(keys)/data.keys", id: "bench")
        configFile = "\(directory)/intake.json"
        let configuration: [String: Any] = [
            "intake": [
                "id": "intake-bench", "database": "\(directory)/intake.db", "key": "\(keys)/intake.key_secret",
                "integrators": "\(keys)/integrators", "consumers": "\(keys)/consumers", "dataKey": "\(keys)/data.keys",
                "bus": ["endpoint": "tcp://127.0.0.1:*"], "dispatch": ["endpoint": "tcp://127.0.0.1:*"],
                "http": ["port": 0], "receipt": ["scryptLogN": scryptLogN],
            ],
            "log": ["level": "warning"],
        ]
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: configFile))
    }
}

/// A CURVE ROUTER that answers every request at once with a small reply: the transport's own round trip.
final class EchoServer: @unchecked Sendable {
    // @unchecked: the socket is used only by the server's own thread after init; `running` is atomic.
    let endpoint: String
    private let socket: ZMQSocket
    private let running = Atomic<Bool>(true)
    private var thread: Thread?

    init(context: ZMQContext, keyPair: CurveKeyPair, allowList: AllowList) throws {
        socket = try context.socket(.router)
        try socket.makeCurveServer(keyPair: keyPair, allowList: allowList)
        try socket.setSendHighWaterMark(0)
        endpoint = try socket.bind("tcp://127.0.0.1:*")
        let thread = Thread { [self] in
            let reply = [UInt8](repeating: 0x2A, count: 80)
            while running.load(ordering: .relaxed) {
                guard let message = try? socket.receive(dontWait: true) else {
                    usleep(50)
                    continue
                }
                _ = try? socket.send(Multipart([message.frames[0], reply]), dontWait: true)
            }
        }
        thread.start()
        self.thread = thread
    }

    func stop() { running.store(false, ordering: .relaxed) }
}

/// Driving load over N DEALER connections and measuring each request's round trip.
enum Load {
    struct Result {
        var rate: Double
        var p50: Double
        var p99: Double
        var p999: Double
    }

    /// One report request frame (a valid report, a unique key).
    static func request(_ index: Int, connection: Int) throws -> [UInt8] {
        let submit = Iblagh_V1_SubmitReport.with {
            $0.integratorReportKey = "bench-\(connection)-\(index)"
            $0.report = .with {
                $0.category = .fraud
                $0.description_p = "A seller took payment for a phone and stopped answering; benchmark report \(index)."
                $0.residence = "Kénitra"
                $0.preferredLanguage = .french
                $0.reportedAccounts = [.with {
                    $0.kind = .url
                    $0.value = "https://shop.invalid/\(connection)/\(index % 500)"
                }]
            }
        }
        return try Iblagh_V1_Envelope(wrapping: submit, messageID: "b\(connection)-\(index)", producer: "bench").frame
    }

    static func connect(_ context: ZMQContext, _ endpoint: String, _ setup: BenchSetup) async throws -> AsyncSocket {
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(keyPair: setup.clientKeys, serverKey: setup.serverKeys.publicKey)
        try socket.setLinger(.zero)
        try socket.setSendHighWaterMark(0)
        try socket.connect(endpoint)
        return await AsyncSocket(socket, loop: PollLoop(name: "bench-client"))
    }

    /// Each connection keeps `window` requests outstanding until it has had `count / connections` answers.
    static func closedLoop(context: ZMQContext, endpoint: String, setup: BenchSetup, connections: Int, window: Int, count: Int) async throws -> Result {
        let perConnection = count / connections
        let frames = try (0..<connections).map { connection in try (0..<perConnection).map { try request($0, connection: connection + 1000 * Int.random(in: 1...999_999)) } }
        let sockets = try await (0..<connections).asyncMap { _ in try await connect(context, endpoint, setup) }
        let start = ContinuousClock.now
        let histograms = try await withThrowingTaskGroup(of: Histogram<UInt64>.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    let socket = sockets[connection]
                    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    var sent: [ContinuousClock.Instant] = []
                    sent.reserveCapacity(perConnection)
                    var next = 0, answered = 0
                    while next < min(window, perConnection) {
                        sent.append(.now)
                        try await socket.send(Multipart([frames[connection][next]]))
                        next += 1
                    }
                    while answered < perConnection {
                        let batch = try await socket.receive(upTo: window)
                        let now = ContinuousClock.now
                        for _ in batch {
                            _ = histogram.record(micros(now - sent[answered]))
                            answered += 1
                        }
                        var refills: [Multipart] = []
                        while next < perConnection, next - answered < window {
                            sent.append(.now)
                            refills.append(Multipart([frames[connection][next]]))
                            next += 1
                        }
                        if !refills.isEmpty { try await socket.send(contentsOf: refills) }
                    }
                    return histogram
                }
            }
            return try await merged(&group)
        }
        return await finish(sockets, histograms, count: perConnection * connections, since: start)
    }

    /// Requests at a fixed total rate, spread over the connections, whatever the answers do (no coordinated omission):
    /// latency counts from when a request was due, not when it happened to be sent. Each connection is driven by a
    /// thread of its own, blocking in libzmq until its next request is due: awaiting send times and replies through
    /// Swift's pool added the pool's wake-ups to every figure (this benchmark shares the two cores with intake).
    /// `trace`, when given, gets one line per request: milliseconds from the start when it was due, and its latency.
    static func openLoop(context: ZMQContext, endpoint: String, setup: BenchSetup, connections: Int, rate: Int, seconds: Int, trace: String? = nil) async throws -> Result {
        let total = rate * seconds, perConnection = total / connections
        let interval = Duration.seconds(Double(connections) / Double(rate))
        let salt = Int.random(in: 1...999_999) * 1000
        let start = ContinuousClock.now + .milliseconds(200)
        let results = Mutex<[(connection: Int, latencies: [Duration?])]>([])
        var threads: [Thread] = []
        let finished = DispatchGroup()
        for connection in 0..<connections {
            // Handed to the connection's thread, which alone uses it from then on.
            nonisolated(unsafe) let socket = try context.socket(.dealer)
            try socket.makeCurveClient(keyPair: setup.clientKeys, serverKey: setup.serverKeys.publicKey)
            try socket.setLinger(.zero)
            try socket.setSendHighWaterMark(0)
            try socket.connect(endpoint)
            let frames = try (0..<perConnection).map { try request($0, connection: salt + connection) }
            let offset = interval * Double(connection) / Double(connections)
            finished.enter()
            threads.append(Thread {
                defer { finished.leave() }
                let latencies = (try? drive(socket, frames: frames, first: start + offset, interval: interval)) ?? []
                results.withLock { $0.append((connection, latencies)) }

            })
        }
        for thread in threads { thread.start() }
        await withCheckedContinuation { done in finished.notify(queue: .global()) { done.resume() } }
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
        var answered: [(due: Duration, latency: Duration)] = []
        for (connection, latencies) in results.withLock({ $0 }) {
            for (index, latency) in latencies.enumerated() {
                guard let latency else { continue }
                _ = histogram.record(micros(latency))
                answered.append((interval * index + interval * Double(connection) / Double(connections), latency))
            }
        }
        if let trace {
            try answered.sorted { $0.due < $1.due }
                .map { String(format: "%.3f %.3f", $0.due.inSeconds * 1000, $0.latency.inSeconds * 1000) }
                .joined(separator: "\n").write(toFile: trace, atomically: true, encoding: .utf8)
        }
        return summary(histogram, count: answered.count, elapsed: ContinuousClock.now - start)
    }

    /// One connection's open loop on the calling thread, which owns `socket`: request `i` is due at
    /// `first + interval × i`. Returns each request's latency from when it was due to its answer, nil if unanswered.
    static func drive(_ socket: ZMQSocket, frames: [[UInt8]], first: ContinuousClock.Instant, interval: Duration) throws -> [Duration?] {
        let due = (0..<frames.count).map { first + interval * $0 }
        var latencies = [Duration?](repeating: nil, count: frames.count)
        var sent = 0, answered = 0
        func take(_ reply: Multipart) {
            // Correlation ids are "b<connection>-<index>".
            guard let envelope = try? Iblagh_V1_Envelope(frame: reply.frames.last ?? []),
                let index = envelope.correlationID.split(separator: "-").last.flatMap({ Int($0) }), index < frames.count, latencies[index] == nil
            else { return }
            latencies[index] = ContinuousClock.now - due[index]
            answered += 1
        }
        let drain = first + interval * frames.count + .seconds(30)
        while answered < frames.count, ContinuousClock.now < drain {
            let wait = sent < frames.count ? due[sent] - .now : drain - .now
            if sent < frames.count, wait <= .zero {
                _ = try socket.send(Multipart([frames[sent]]))
                sent += 1
            } else if wait < .milliseconds(1) {
                // libzmq's timeouts are whole milliseconds: the last part of a wait is slept, then replies are taken.
                Thread.sleep(forTimeInterval: wait.inSeconds)
            } else {
                try socket.setReceiveTimeout(.milliseconds(Int(wait.inSeconds * 1000)))
                do {
                    if let reply = try socket.receive() { take(reply) }
                } catch let error as ZMQError where error.isWouldBlock {}
            }
            while let reply = try? socket.receive(dontWait: true) { take(reply) }
        }
        return latencies
    }

    static func merged(_ group: inout ThrowingTaskGroup<Histogram<UInt64>, Error>) async throws -> Histogram<UInt64> {
        var all = Histogram<UInt64>(highestTrackableValue: 60_000_000)
        for try await histogram in group { all.add(histogram) }
        return all
    }

    static func finish(_ sockets: [AsyncSocket], _ histogram: Histogram<UInt64>, count: Int, since start: ContinuousClock.Instant) async -> Result {
        let elapsed = ContinuousClock.now - start
        for socket in sockets { await socket.close() }
        return summary(histogram, count: count, elapsed: elapsed)
    }

    static func micros(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000))
    }

    static func summary(_ histogram: Histogram<UInt64>, count: Int, elapsed: Duration) -> Result {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            rate: Double(count) / seconds, p50: Double(histogram.valueAtPercentile(50)) / 1000,
            p99: Double(histogram.valueAtPercentile(99)) / 1000, p999: Double(histogram.valueAtPercentile(99.9)) / 1000)
    }
}

extension Range<Int> {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for index in self { results.append(try await transform(index)) }
        return results
    }
}
