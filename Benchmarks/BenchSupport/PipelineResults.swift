import Foundation
import JSONFiles

/// The figures of one `PipelineBench` run, as it prints them and writes them to its JSON file.
public struct PipelineResults: Codable, Sendable, Equatable {
    public let mode: String
    public let connections: Int
    public let seconds: Int
    public let payloadCharacters: Int
    public let sent: Int
    public let accepted: Int
    public let endToEndPerSecond: Double
    public let acceptedPerSecond: Double
    public let ackMillis: Percentiles
    public let notifiedMillis: Percentiles
    public let notifiedCount: Int
    public let residentMiB: [String: Double]
    public let proportionalMiB: [String: Double]
    public let processes: Int
    public let cpuMillisecondsPerReport: Double
    /// Each service's share, and what it wrote to disk (WAL, database file, logs) per report.
    public let cpuMillisecondsPerReportByService: [String: Double]
    public let writtenKiBPerReportByService: [String: Double]
    /// What `Benchmarks/pipeline.sh` measured beside the run (raw CURVE, SQLite, the single hop), by name.
    public let baselines: [String: Double]
    /// How full the machine's CPUs were while the load ran (absent from runs written before it was measured).
    public let machine: MachineLoad?

    public init(
        mode: String, connections: Int, seconds: Int, payloadCharacters: Int, sent: Int, accepted: Int,
        endToEndPerSecond: Double, acceptedPerSecond: Double, ackMillis: Percentiles, notifiedMillis: Percentiles,
        notifiedCount: Int, residentMiB: [String: Double], proportionalMiB: [String: Double], processes: Int,
        cpuMillisecondsPerReport: Double, cpuMillisecondsPerReportByService: [String: Double],
        writtenKiBPerReportByService: [String: Double], baselines: [String: Double], machine: MachineLoad? = nil
    ) {
        self.mode = mode
        self.connections = connections
        self.seconds = seconds
        self.payloadCharacters = payloadCharacters
        self.sent = sent
        self.accepted = accepted
        self.endToEndPerSecond = endToEndPerSecond
        self.acceptedPerSecond = acceptedPerSecond
        self.ackMillis = ackMillis
        self.notifiedMillis = notifiedMillis
        self.notifiedCount = notifiedCount
        self.residentMiB = residentMiB
        self.proportionalMiB = proportionalMiB
        self.processes = processes
        self.cpuMillisecondsPerReport = cpuMillisecondsPerReport
        self.cpuMillisecondsPerReportByService = cpuMillisecondsPerReportByService
        self.writtenKiBPerReportByService = writtenKiBPerReportByService
        self.baselines = baselines
        self.machine = machine
    }

    /// Reads a run's JSON file; the error names the file and what is wrong with it.
    public static func load(_ path: String) throws -> PipelineResults {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BenchError("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(PipelineResults.self, from: data)
        } catch {
            throw BenchError("\(path) is not a PipelineBench result: \(JSONProblem.describe(error, in: data))")
        }
    }

    /// The table `PipelineBench` prints.
    public var table: String {
        var lines = ["Iblagh end to end — \(mode), \(connections) integrator connections, \(seconds) s, \(payloadCharacters)-character descriptions"]
        func line(_ name: String, _ value: String) { lines.append(name.padding(toLength: 58, withPad: " ", startingAt: 0) + value) }
        line("reports sent / accepted (the rest unanswered by the end)", "\(sent) / \(accepted)")
        line("accepted/s (submit -> durable Accepted)", String(format: "%.0f", acceptedPerSecond))
        line("end to end/s (submit -> counted by statistics)", String(format: "%.0f", endToEndPerSecond))
        line("submit -> Accepted, ms p50 / p99 / p99.9", String(format: "%.2f / %.2f / %.2f", ackMillis.p50, ackMillis.p99, ackMillis.p999))
        line("submit -> Kénitra console notified, ms p50 / p99 / p99.9",
             String(format: "%.1f / %.1f / %.1f  (%d cases)", notifiedMillis.p50, notifiedMillis.p99, notifiedMillis.p999, notifiedCount))
        line("CPU of the \(processes) service processes per report", String(format: "%.2f ms", cpuMillisecondsPerReport))
        if let machine { line("the machine's \(machine.cores) CPUs during the load", machine.summary) }
        for (name, milliseconds) in cpuMillisecondsPerReportByService.sorted(by: { $0.key < $1.key }) {
            line("\(name): CPU / bytes written per report", String(format: "%.3f ms / %.1f KiB", milliseconds, writtenKiBPerReportByService[name] ?? 0))
        }
        for (name, mib) in residentMiB.sorted(by: { $0.key < $1.key }) {
            line("memory of \(name) (mid-run): RSS / PSS", String(format: "%.1f / %.1f MiB", mib, proportionalMiB[name] ?? 0))
        }
        for (name, value) in baselines.sorted(by: { $0.key < $1.key }) {
            line("baseline: \(name)", String(format: "%.0f   (end to end ÷ it: %.4f)", value, endToEndPerSecond / value))
        }
        return lines.joined(separator: "\n")
    }
}

/// Latency percentiles in milliseconds.
public struct Percentiles: Codable, Sendable, Equatable {
    public let p50: Double, p99: Double, p999: Double

    public init(p50: Double, p99: Double, p999: Double) {
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
    }
}

/// A benchmark's refusal of its input, said plainly.
public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
