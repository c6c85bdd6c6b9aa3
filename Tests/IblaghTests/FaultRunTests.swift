import Foundation
import Testing
import TestSupport

extension LocalStackTests {
    static let faultRun = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../FaultRun/fault-run.sh").standardized.path

    /// The short fault run (docs/reliability.md has the long one): every instance of the stack killed twice and two
    /// paused while reports flow; the checker must find every Accepted report once at intake, the tracker (opened,
    /// routed, notified) and the statistics.
    @Test("fault run, seed 1: every instance killed -9 twice and two paused under load — 0 lost, 0 duplicated")
    func shortFaultRun() async throws {
        let stack = Stack(state: try temporaryDirectory())
        var environment = stack.environment
        environment["FAULT_EVERY"] = "1"
        // 100 new reports a second keep the debug build's stack saturated through the faults (it takes some 20 ms of
        // CPU per report); at 200 the run submitted twice the reports for the same schedule: 88 CPU-seconds, where
        // this takes 67, of a test command that is CPU-bound.
        environment["FAULT_RATE"] = "100"
        let result = try await run("/bin/bash", [Self.faultRun, "2000", "1", "2"], timeout: 300, environment: environment)
        let summary = result.output.split(separator: "\n").filter { $0.hasPrefix("submitted") || $0.hasPrefix("checker") || $0.hasPrefix("  ") || $0.hasPrefix("lost") }
        #expect(result.status == 0, "\(summary.joined(separator: "\n"))\n\(result.error.suffix(2000))")
        #expect(result.output.contains("lost 0, duplicated 0: PASS"))
        #expect(result.output.contains("14 kill -9, 2 SIGSTOP"), "\(summary.joined(separator: "\n"))")
        #expect(try await stack.leftovers() == [])
    }
}
