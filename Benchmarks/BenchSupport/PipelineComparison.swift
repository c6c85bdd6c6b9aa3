import Foundation

/// Two `PipelineBench` runs side by side: each figure of both, and how the second moved against the first.
///
/// On a shared host a rate moves by ±15 % from one run to the next and by up to a factor of two between days, so the
/// rates are also given divided by each baseline the two runs share (`pipeline.sh` measures raw CURVE, SQLite and the
/// single hop just before the load): a change in the host's pace moves a baseline with the rate, and their ratio
/// less. CPU per report moves less than any rate.
public struct PipelineComparison: Sendable {
    public struct Row: Sendable, Equatable {
        public let figure: String
        public let before: Double
        public let after: Double
        public let higherIsBetter: Bool

        /// after ÷ before; nil when before is 0.
        public var ratio: Double? { before == 0 ? nil : after / before }

        /// "better" or "worse" past `margin` (a fraction), else "~".
        public func verdict(margin: Double = 0.1) -> String {
            guard let ratio else { return "" }
            if abs(ratio - 1) <= margin { return "~" }
            return (ratio > 1) == higherIsBetter ? "better" : "worse"
        }
    }

    public let rows: [Row]
    /// What makes the two runs less comparable (a different load, a host at another pace).
    public let warnings: [String]

    public init(before a: PipelineResults, after b: PipelineResults) {
        var rows: [Row] = []
        func row(_ figure: String, _ before: Double, _ after: Double, higherIsBetter: Bool = false) {
            rows.append(Row(figure: figure, before: before, after: after, higherIsBetter: higherIsBetter))
        }
        row("end to end, reports/s", a.endToEndPerSecond, b.endToEndPerSecond, higherIsBetter: true)
        row("accepted, reports/s", a.acceptedPerSecond, b.acceptedPerSecond, higherIsBetter: true)
        for (name, pick) in Self.percentiles {
            row("submit -> Accepted \(name), ms", pick(a.ackMillis), pick(b.ackMillis))
        }
        for (name, pick) in Self.percentiles {
            row("submit -> notified \(name), ms", pick(a.notifiedMillis), pick(b.notifiedMillis))
        }
        row("CPU per report, all services, ms", a.cpuMillisecondsPerReport, b.cpuMillisecondsPerReport)
        if let before = a.machine, let after = b.machine {
            row("the machine's CPUs busy during the load, %", before.busy, after.busy)
        }
        for (name, before, after) in Self.shared(a.cpuMillisecondsPerReportByService, b.cpuMillisecondsPerReportByService) {
            row("\(name): CPU per report, ms", before, after)
        }
        for (name, before, after) in Self.shared(a.writtenKiBPerReportByService, b.writtenKiBPerReportByService) {
            row("\(name): written per report, KiB", before, after)
        }
        for (name, before, after) in Self.shared(a.residentMiB, b.residentMiB) {
            row("\(name): resident, MiB", before, after)
        }
        let baselines = Self.shared(a.baselines, b.baselines)
        for (name, before, after) in baselines {
            row("baseline: \(name)", before, after, higherIsBetter: true)
        }
        for (name, before, after) in baselines {
            row("end to end ÷ baseline \(name)", a.endToEndPerSecond / before, b.endToEndPerSecond / after, higherIsBetter: true)
        }
        self.rows = rows

        var warnings: [String] = []
        if a.mode != b.mode { warnings.append("different loads: \(a.mode) against \(b.mode)") }
        if a.connections != b.connections { warnings.append("different connections: \(a.connections) against \(b.connections)") }
        if a.payloadCharacters != b.payloadCharacters {
            warnings.append("different descriptions: \(a.payloadCharacters) against \(b.payloadCharacters) characters")
        }
        if a.seconds != b.seconds { warnings.append("different lengths: \(a.seconds) s against \(b.seconds) s") }
        if a.processes != b.processes { warnings.append("different stacks: \(a.processes) against \(b.processes) service processes") }
        if baselines.isEmpty {
            warnings.append("no baseline in both runs: a change of the host's pace cannot be told from a change of the stack")
        }
        for (name, before, after) in baselines {
            let moved = after / before
            if abs(moved - 1) > 0.15 {
                warnings.append(String(format: "the host's pace moved: baseline %@ ×%.2f — read the rates against the baselines", name, moved))
            }
        }
        self.warnings = warnings
    }

    private static let percentiles: [(String, @Sendable (Percentiles) -> Double)] = [("p50", \.p50), ("p99", \.p99), ("p99.9", \.p999)]

    /// The figures both maps have, by name, sorted: (name, before, after).
    private static func shared(_ a: [String: Double], _ b: [String: Double]) -> [(String, Double, Double)] {
        a.compactMap { name, before in b[name].map { (name, before, $0) } }.sorted { $0.0 < $1.0 }
    }

    /// The table `PipelineBench compare` prints.
    public var table: String {
        func number(_ value: Double) -> String {
            let digits = value >= 1_000 ? 0 : value >= 10 ? 1 : value >= 1 || value == 0 ? 3 : 4
            return String(format: "%.\(digits)f", value)
        }
        var lines = ["figure".padding(toLength: 52, withPad: " ", startingAt: 0)
            + "before".leftPadded(12) + "after".leftPadded(12) + "after ÷ before".leftPadded(16)]
        for row in rows {
            let ratio = row.ratio.map { String(format: "%.3f", $0) } ?? "-"
            lines.append(row.figure.padding(toLength: 52, withPad: " ", startingAt: 0) + number(row.before).leftPadded(12)
                + number(row.after).leftPadded(12) + ratio.leftPadded(16) + "  " + row.verdict())
        }
        lines += warnings.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
