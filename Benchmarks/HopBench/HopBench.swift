import ArgumentParser
import BenchSupport
import Foundation
import Histogram
import IblaghStore

/// The reliable hop's benchmark: one producer process, two consumer processes, fsync before every ACK, and the
/// baseline SQLite group-commit rate on the same disk. Benchmarks/hop.sh runs it beside raw CURVE and the peers.
@main
struct HopBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hop-bench", abstract: "Benchmark of the reliable hop and its SQLite baseline.",
        subcommands: [Hop.self, SQLiteBaseline.self])
}

/// `hop`: N messages through producer → 2 consumers; prints messages/s, hop latency p50/p99 (µs), and the CPU time per
/// message (µs) of the producer and of the two consumers together, over the whole run. By default a burst (1,000
/// messages per transaction, as fast as the hop goes); `--rate 200 --batch 1` measures what a message alone waits:
/// each committed in its own transaction, none with company on the way.
struct Hop: AsyncParsableCommand {
    @Option var count = 50_000
    @Option var size = 1024
    @Option(help: "Messages per producer transaction.") var batch = 1_000
    @Option(help: "Messages per second (0: as fast as the hop goes).") var rate = 0
    @Option(help: "The HopHarness executable.") var harness: String
    @Option(help: "Folder for keys and databases (on the disk being measured).") var dir: String
    @Option(help: "A PostgreSQL server's admin URL: the three processes' stores go there (fresh databases) instead of SQLite files.")
    var postgres: String?

    /// Where instance `name` keeps its store: a SQLite file in `dir`, or a fresh database on the PostgreSQL server.
    private func database(_ name: String) throws -> String {
        guard let postgres else { return "\(dir)/\(name).db" }
        let database = "iblagh_bench_\(name)"
        for sql in ["DROP DATABASE IF EXISTS \(database)", "CREATE DATABASE \(database)"] {
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            psql.arguments = ["-X", "-q", postgres, "-c", sql]
            psql.environment = ProcessInfo.processInfo.environment.merging(["PGOPTIONS": "-c client_min_messages=warning"]) { $1 }
            try psql.run()
            psql.waitUntilExit()
            guard psql.terminationStatus == 0 else { throw ValidationError("psql: \(sql) failed") }
        }
        return postgres.replacingOccurrences(of: "/postgres", with: "/\(database)", options: .backwards)
    }

    func run() async throws {
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let keys = "\(dir)/keys"
        let keyMaker = try launch(["keys", "--dir", keys, "--consumers", "c1:g,c2:g"], output: "\(dir)/keys.out")
        keyMaker.waitUntilExit()
        guard keyMaker.terminationStatus == 0 else { throw ValidationError("hop-harness keys failed") }
        let producerOut = "\(dir)/producer.out"
        let producer = try launch(
            ["produce", "--db", try database("producer"), "--keys", keys, "--count", "\(count)", "--size", "\(size)",
             "--batch", "\(batch)", "--rate", "\(rate)", "--warmup", "4"], output: producerOut)
        var processes = [producer]
        defer { for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let endpoint = try await readyLine(producerOut)
        let locations = try ["c1": database("c1"), "c2": database("c2")]
        for name in ["c1", "c2"] {
            processes.append(try launch(
                ["consume", "--db", locations[name]!, "--connect", endpoint, "--keys", keys, "--id", name, "--key", name],
                output: "\(dir)/\(name).out"))
        }
        let consumers = try ["c1", "c2"].map { name -> any Store in
            if case .sqlite(let path) = StoreLocation(locations[name]!) {
                while !FileManager.default.fileExists(atPath: path) { usleep(50_000) }
            }
            usleep(300_000)
            return try StoreLocation(locations[name]!).open(migrations: [])
        }
        let deadline = Date().addingTimeInterval(600)
        while try await applied(consumers) < count {
            guard Date() < deadline else { throw ValidationError("the hop did not finish within 10 minutes") }
            try await Task.sleep(for: .milliseconds(200))
        }
        let producerCPU = ProcessCPU.seconds(producer.processIdentifier)
        let consumersCPU = processes.dropFirst().reduce(0) { $0 + ProcessCPU.seconds($1.processIdentifier) }
        var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000)
        var first = Double.infinity, last = 0.0
        for store in consumers {
            let rows = try await store.read { try $0.rows("SELECT applied_at, latency_us FROM effects", []) }
            for row in rows {
                let applied = row.real("applied_at") ?? 0, latency = max(0, row.integer("latency_us") ?? 0)
                _ = histogram.record(UInt64(latency))
                first = min(first, applied - Double(latency) / 1e6)
                last = max(last, applied)
            }
        }
        print(String(format: "%.0f %llu %llu %.1f %.1f", Double(count) / (last - first), histogram.valueAtPercentile(50),
                     histogram.valueAtPercentile(99), producerCPU * 1e6 / Double(count), consumersCPU * 1e6 / Double(count)))
    }

    private func applied(_ stores: [any Store]) async throws -> Int {
        var total = 0
        for store in stores {
            // The consumer creates its table on start: until then, nothing is applied. On SQLite the largest rowid is
            // the count (rows are only added) and costs a lookup, where COUNT(*) scans the table — every 200 ms, on
            // the same two cores as the hop being measured (5.7 % of the CPU in a 300,000-message run).
            let sql = postgres == nil ? "SELECT COALESCE(MAX(rowid), 0) AS c FROM effects" : "SELECT COUNT(*) AS c FROM effects"
            total += Int((try? await store.read { try $0.rows(sql, []).first?.integer("c") }) ?? 0)
        }
        return total
    }

    private func launch(_ arguments: [String], output: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: harness)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try process.run()
        return process
    }

    private func readyLine(_ path: String) async throws -> String {
        for _ in 0..<600 {
            if let line = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }) {
                return String(line.dropFirst(6))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("the producer did not start")
    }
}

/// `sqlite`: the same disk's durable insert rate, one transaction (one fsync) per `batch` rows of `size` bytes.
struct SQLiteBaseline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sqlite")
    @Option var count = 50_000
    @Option var size = 1024
    @Option var batch = 1000
    @Option var dir: String

    func run() async throws {
        try? FileManager.default.removeItem(atPath: dir)
        let store = try SQLiteStore(path: "\(dir)/baseline.db", migrations: [
            Migration("1", ["CREATE TABLE rows (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, body BLOB NOT NULL)"])])
        let body = [UInt8](repeating: 0x2A, count: size)
        let start = ContinuousClock.now
        var next = 0
        while next < count {
            let first = next, last = min(count, next + batch)
            try await store.write { transaction in
                for index in first..<last {
                    try transaction.execute("INSERT INTO rows (message_id, body) VALUES (?, ?)", [.text("m-\(index)"), .blob(body)])
                }
            }
            next = last
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "%.0f", Double(count) / seconds))
    }
}
