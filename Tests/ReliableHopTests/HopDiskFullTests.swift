import Foundation
import Testing
import TestSupport

extension ReliableHopTests {
    @Test("a consumer whose disk fills commits nothing, acknowledges nothing and retries; once space returns every message is applied once")
    func consumerDiskFull() async throws {
        let disk = try await SmallFileSystem(size: "512k")
        let cluster = try await HopCluster(consumers: [("c1", "g")])
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 10_000)
        let consumer = try await cluster.consumer("c1", connect: [endpoint], database: "\(disk.path)/c1.db")
        try await cluster.waitUntil(within: 60, "the consumer's disk never filled") {
            (try? String(contentsOfFile: try #require(consumer.errorPath), encoding: .utf8))?.contains("applying a batch failed") == true
        }
        let appliedWhileFull = try await cluster.effects(["c1"]).count
        #expect(appliedWhileFull < 10_000)
        // Full: what is applied stays put (no half-committed batch), and the producer still holds the rest.
        try await Task.sleep(for: .seconds(1))
        #expect(try await cluster.effects(["c1"]).count == appliedWhileFull)
        #expect(try await cluster.pending() >= 10_000 - appliedWhileFull)

        try await disk.grow(to: "64m")
        expectExactlyOnce(try await cluster.waitForEffects(["c1"], count: 10_000), count: 10_000)
        try await cluster.waitUntil(within: 30, "messages still pending") { try await cluster.pending() == 0 }
        withExtendedLifetime(disk) {}  // unmounted only when the test is done with it
    }
}
