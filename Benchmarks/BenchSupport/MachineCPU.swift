import Foundation

/// What the whole machine's CPUs did (`/proc/stat`), so a benchmark can say how full the machine was while it
/// measured: at 1,000 reports/s the two cores are nearly full, and the latencies are then mostly waits for a CPU.
public struct MachineCPU: Sendable, Equatable {
    /// Clock ticks (10 ms) since boot, summed over every CPU.
    public let busy: Double, idle: Double, ioWait: Double, stolen: Double
    public let cores: Int
    public var total: Double { busy + idle + ioWait + stolen }

    /// The counters now; nil when `/proc/stat` cannot be read.
    public static func now() -> MachineCPU? {
        (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap(parse)
    }

    /// Reads the aggregate `cpu` line (user nice system idle iowait irq softirq steal …) and counts the `cpuN` lines.
    public static func parse(_ stat: String) -> MachineCPU? {
        let lines = stat.split(separator: "\n")
        guard let first = lines.first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let fields = first.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        let cores = lines.filter { $0.hasPrefix("cpu") && !$0.hasPrefix("cpu ") }.count
        // guest and guest_nice (fields 9 and 10) are already counted in user and nice.
        return MachineCPU(busy: fields[0] + fields[1] + fields[2] + fields[5] + fields[6], idle: fields[3], ioWait: fields[4], stolen: fields[7],
                          cores: max(1, cores))
    }

    /// How the CPUs' time between `start` and `end` was spent, with the part of it the benchmarked processes
    /// (`services`) and the load generator took (CPU seconds in that interval), as percentages of all of it.
    public static func load(from start: MachineCPU, to end: MachineCPU, services: Double, loadGenerator: Double) -> MachineLoad? {
        let ticks = end.total - start.total
        guard ticks > 0 else { return nil }
        let percent = { (value: Double) in 100 * value / ticks }
        let busy = percent(end.busy - start.busy), serviceShare = percent(services * 100), generatorShare = percent(loadGenerator * 100)
        return MachineLoad(
            cores: end.cores, busy: busy, services: serviceShare, loadGenerator: generatorShare,
            other: max(0, busy - serviceShare - generatorShare), idle: percent(end.idle - start.idle),
            ioWait: percent(end.ioWait - start.ioWait), stolen: percent(end.stolen - start.stolen))
    }
}

/// How full the machine was during a run's load, in percent of all its CPUs' time.
public struct MachineLoad: Codable, Sendable, Equatable {
    public let cores: Int
    public let busy: Double, services: Double, loadGenerator: Double, other: Double
    public let idle: Double, ioWait: Double, stolen: Double

    public init(cores: Int, busy: Double, services: Double, loadGenerator: Double, other: Double, idle: Double, ioWait: Double, stolen: Double) {
        self.cores = cores
        self.busy = busy
        self.services = services
        self.loadGenerator = loadGenerator
        self.other = other
        self.idle = idle
        self.ioWait = ioWait
        self.stolen = stolen
    }

    public var summary: String {
        String(format: "busy %.0f %% (services %.0f, load generator %.0f, other %.0f); idle %.0f %%, waiting for the disk %.0f %%, stolen %.0f %%",
               busy, services, loadGenerator, other, idle, ioWait, stolen)
    }
}
