import BenchSupport
import Foundation
import Testing

/// `PipelineBench compare`: two runs' figures side by side, each figure's direction, and what makes two runs less
/// comparable.
@Suite("Comparing two runs of the pipeline benchmark")
struct PipelineComparisonTests {
    static func run(
        mode: String = "open loop at 1000/s", endToEnd: Double = 980, cpu: Double = 1.66, ackP99: Double = 129,
        intakeCPU: Double = 0.47, rss: Double = 53.6, baselines: [String: Double] = ["SQLite 1,000/tx rows/s": 58_000],
        machine: MachineLoad? = nil
    ) -> PipelineResults {
        PipelineResults(
            mode: mode, connections: 8, seconds: 60, payloadCharacters: 400, sent: 60_000, accepted: 60_000,
            endToEndPerSecond: endToEnd, acceptedPerSecond: 1_000, ackMillis: Percentiles(p50: 32, p99: ackP99, p999: 176),
            notifiedMillis: Percentiles(p50: 78, p99: 215, p999: 262), notifiedCount: 60_000, residentMiB: ["intake": rss],
            proportionalMiB: ["intake": 26.7], processes: 7, cpuMillisecondsPerReport: cpu,
            cpuMillisecondsPerReportByService: ["intake": intakeCPU], writtenKiBPerReportByService: ["intake": 18.5],
            baselines: baselines, machine: machine)
    }

    func row(_ comparison: PipelineComparison, _ figure: String) throws -> PipelineComparison.Row {
        try #require(comparison.rows.first { $0.figure == figure }, "no row \(figure)")
    }

    @Test("each figure of both runs with after ÷ before; a faster rate and less CPU are better, more latency is worse, within 10 % is the same")
    func figures() throws {
        let comparison = PipelineComparison(
            before: Self.run(endToEnd: 1_000, cpu: 1.60, ackP99: 100, intakeCPU: 0.50, rss: 50),
            after: Self.run(endToEnd: 1_200, cpu: 1.20, ackP99: 150, intakeCPU: 0.52, rss: 50))
        let rate = try row(comparison, "end to end, reports/s")
        #expect(rate.before == 1_000 && rate.after == 1_200 && abs(rate.ratio! - 1.2) < 1e-9 && rate.verdict() == "better")
        let cpu = try row(comparison, "CPU per report, all services, ms")
        #expect(abs(cpu.ratio! - 0.75) < 1e-9 && cpu.verdict() == "better")
        #expect(try row(comparison, "submit -> Accepted p99, ms").verdict() == "worse")
        #expect(try row(comparison, "intake: CPU per report, ms").verdict() == "~")
        #expect(try row(comparison, "intake: resident, MiB").ratio == 1)
        // The rate against the run's own baseline: the host ran at the same pace, so the same ratio.
        let adjusted = try row(comparison, "end to end ÷ baseline SQLite 1,000/tx rows/s")
        #expect(abs(adjusted.ratio! - 1.2) < 1e-9 && adjusted.higherIsBetter)
        #expect(comparison.warnings.isEmpty, "\(comparison.warnings)")
        #expect(comparison.table.contains("end to end, reports/s") && comparison.table.contains("better"))
    }

    @Test("a faster host shows in the baselines: the rate against them did not move, and the note says the pace changed")
    func hostPace() throws {
        let comparison = PipelineComparison(
            before: Self.run(endToEnd: 1_000, baselines: ["SQLite 1,000/tx rows/s": 50_000]),
            after: Self.run(endToEnd: 1_500, baselines: ["SQLite 1,000/tx rows/s": 75_000]))
        #expect(try row(comparison, "end to end, reports/s").verdict() == "better")
        #expect(try row(comparison, "end to end ÷ baseline SQLite 1,000/tx rows/s").verdict() == "~")
        #expect(comparison.warnings.contains { $0.contains("pace moved") && $0.contains("×1.50") }, "\(comparison.warnings)")
    }

    @Test("different loads, and runs without a shared baseline, are named")
    func incomparable() {
        let comparison = PipelineComparison(
            before: Self.run(mode: "closed loop, window 32 per connection", baselines: [:]), after: Self.run(baselines: ["x": 1]))
        #expect(comparison.warnings.contains { $0.contains("different loads") && $0.contains("closed loop") })
        #expect(comparison.warnings.contains { $0.contains("no baseline in both runs") })
        #expect(!comparison.rows.contains { $0.figure.contains("baseline") })
    }

    @Test("a run's JSON reads back as written; a file that is not one is refused, naming the file and what is wrong")
    func files() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]  // as PipelineBench writes it
        let written = folder.appendingPathComponent("run.json").path
        try encoder.encode(Self.run()).write(to: URL(fileURLWithPath: written))
        #expect(try PipelineResults.load(written) == Self.run())

        let partial = folder.appendingPathComponent("partial.json").path
        try Data(#"{"mode": "closed loop"}"#.utf8).write(to: URL(fileURLWithPath: partial))
        let text = folder.appendingPathComponent("notes.txt").path
        try Data("not a run".utf8).write(to: URL(fileURLWithPath: text))
        let wrongType = folder.appendingPathComponent("wrong.json").path
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: written))) as? [String: Any])
        object["ackMillis"] = "fast"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: wrongType))
        for (path, expected) in [(partial, "missing \""), (text, "not JSON"), (wrongType, "ackMillis: expected"), ("\(folder.path)/missing.json", "cannot read")] {
            #expect(throws: BenchError.self) { try PipelineResults.load(path) }
            do {
                _ = try PipelineResults.load(path)
            } catch {
                #expect("\(error)".contains(path) && "\(error)".contains(expected), "\(error)")
            }
        }
    }

    @Test("how full the machine was: /proc/stat's counters turned into shares of all CPU time, printed, compared; a run written before still reads")
    func machineLoad() throws {
        let before = try #require(MachineCPU.parse("cpu  1000 0 500 8000 200 0 100 50 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\ncpu1 1 2 3 4 5 6 7 8 0 0\nintr 1 2\n"))
        let after = try #require(MachineCPU.parse("cpu  2100 0 800 8400 260 0 200 90 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\ncpu1 1 2 3 4 5 6 7 8 0 0\n"))
        #expect(before.cores == 2 && before.busy == 1_600 && before.total == 9_850)
        #expect(MachineCPU.parse("intr 1 2\n") == nil && MachineCPU.parse("cpu  1 2 3\n") == nil)
        // 2,000 ticks (20 s of two CPUs): 12 s of the services' CPU, 2 s of the load generator's.
        let load = try #require(MachineCPU.load(from: before, to: after, services: 12, loadGenerator: 2))
        for (figure, expected) in [(load.busy, 75.0), (load.services, 60), (load.loadGenerator, 10), (load.other, 5), (load.idle, 20), (load.ioWait, 3), (load.stolen, 2)] {
            #expect(abs(figure - expected) < 1e-9, "\(figure) against \(expected)")
        }
        #expect(MachineCPU.load(from: before, to: before, services: 0, loadGenerator: 0) == nil)

        let measured = Self.run(machine: load)
        #expect(measured.table.contains("the machine's 2 CPUs during the load") && measured.table.contains("busy 75 % (services 60, load generator 10, other 5)"))
        let comparison = PipelineComparison(before: measured, after: Self.run(machine: MachineLoad(
            cores: 2, busy: 95, services: 85, loadGenerator: 8, other: 2, idle: 4, ioWait: 1, stolen: 0)))
        #expect(try row(comparison, "the machine's CPUs busy during the load, %").verdict() == "worse")
        #expect(!PipelineComparison(before: Self.run(), after: measured).rows.contains { $0.figure.contains("machine") })

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-machine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.json").path
        try JSONEncoder().encode(measured).write(to: URL(fileURLWithPath: path))
        #expect(try PipelineResults.load(path) == measured)
        var older = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        older["machine"] = nil
        try JSONSerialization.data(withJSONObject: older).write(to: URL(fileURLWithPath: path))
        #expect(try PipelineResults.load(path).machine == nil)
    }
}
