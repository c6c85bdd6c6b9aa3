import Foundation

/// The faults, one at a time from a seeded schedule, in cycles: in each cycle every instance is killed (-9) once, in a
/// shuffled order, and restarted after a short while; one instance per cycle is also paused (SIGSTOP) for longer than
/// the hop's 3-s heartbeat timeout (in the last of three or more cycles, past the 20-s failover timeout too) and then
/// continued. So every service is hit `cycles` times, whatever the seed.
actor FaultSchedule {
    let stack: String
    let state: String
    let instances: [String]
    let every: Double
    let cycles: Int
    private var random: SeededGenerator
    private var kills: [String: Int] = [:]
    private var pauses: [String: Int] = [:]
    /// The instances paused past the failover timeout.
    private var longPauses: [String] = []
    private(set) var isDone = false

    init(stack: String, state: String, instances: [String], every: Double, cycles: Int, random: SeededGenerator) {
        self.stack = stack
        self.state = state
        self.instances = instances
        self.every = every
        self.cycles = cycles
        self.random = random
    }

    func run() async {
        defer { isDone = true }
        do {
            for cycle in 0..<cycles {
                // From three cycles on, the last cycle's pause also outlasts the dispatchers' 20-s failover timeout,
                // so the paused router's messages go to the other router while it sleeps; it wakes holding them, past its lease.
                let pauseSeconds = cycles >= 3 && cycle == cycles - 1 ? 21.0...24.0 : 4.0...6.0
                var faults = instances.shuffled(using: &random).map { (name: $0, pause: false) }
                // The long pause goes to a router, the one stage with a twin to take over its messages.
                let routers = instances.filter { $0.hasPrefix("router-") }
                let pausable = pauseSeconds.lowerBound > 20 && !routers.isEmpty ? routers : instances
                faults.insert((pausable.randomElement(using: &random)!, true), at: Int.random(in: 0...faults.count, using: &random))
                for fault in faults {
                    try await Task.sleep(for: .seconds(every * Double.random(in: 0.5...1.5, using: &random)))
                    guard let pid = try? pids()[fault.name] else { continue }
                    if fault.pause {
                        pauses[fault.name, default: 0] += 1
                        if pauseSeconds.lowerBound > 20 { longPauses.append(fault.name) }
                        kill(pid, SIGSTOP)
                        defer { kill(pid, SIGCONT) }
                        try await Task.sleep(for: .seconds(Double.random(in: pauseSeconds, using: &random)))
                    } else {
                        kills[fault.name, default: 0] += 1
                        kill(pid, SIGKILL)
                        try await Task.sleep(for: .seconds(Double.random(in: 0.2...1.5, using: &random)))
                        _ = try await restart(fault.name)
                    }
                }
            }
        } catch {
            // Cancelled: restoreAll() brings back whatever is down.
        }
    }

    /// Continues every paused instance and restarts every dead one.
    func restoreAll() async throws {
        for (name, pid) in try pids() {
            kill(pid, SIGCONT)
            if kill(pid, 0) != 0 || Self.isZombie(pid) { _ = try await restart(name) }
        }
    }

    var summary: String {
        let total = kills.values.reduce(0, +), stops = pauses.values.reduce(0, +)
        let each = instances.map { "\($0) \(kills[$0] ?? 0)k/\(pauses[$0] ?? 0)p" }.joined(separator: ", ")
        let long = longPauses.isEmpty ? "" : "; paused past the failover timeout: \(longPauses.joined(separator: ", "))"
        return "\(total) kill -9, \(stops) SIGSTOP (\(each))\(long)"
    }

    var counts: (kills: [String: Int], pauses: [String: Int]) { (kills, pauses) }

    private func restart(_ name: String) async throws -> Int32 {
        let stack = self.stack
        return try await Blocking.run { () throws -> Int32 in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [stack, "restart", name]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    private func pids() throws -> [String: Int32] {
        let text = try String(contentsOfFile: "\(state)/pids", encoding: .utf8)
        return Dictionary(text.split(separator: "\n").compactMap { line -> (String, Int32)? in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? Int32(parts[1]).map { (String(parts[0]), $0) } : nil
        }, uniquingKeysWith: { _, last in last })
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
    }
}

/// Blocking work on a thread of its own, off Swift concurrency's few shared threads.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// SplitMix64: the same seed gives the same fault schedule.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent generator for another part of the run.
    mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }
}
