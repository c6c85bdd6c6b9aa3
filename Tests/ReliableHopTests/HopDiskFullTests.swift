import Foundation
import Testing
import TestSupport

extension ReliableHopTests {
    @Test("a consumer whose disk fills commits nothing, acknowledges nothing and retries; once space returns every message is applied once")
    func consumerDiskFull() async throws {
        let mountPoint = NSTemporaryDirectory() + "iblagh-hop-diskfull-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try await runDetached("/bin/mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", mountPoint])
        try #require(mounted.status == 0, "this test mounts a small tmpfs and needs root (or CAP_SYS_ADMIN): \(mounted.error)")
        defer {
            _ = try? run("/bin/umount", ["-l", mountPoint])
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        let cluster = try HopCluster(consumers: [("c1", "g")])
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 10_000)
        let consumer = try await cluster.consumer("c1", connect: [endpoint], database: "\(mountPoint)/c1.db")
        try await cluster.waitUntil(within: 60, "the consumer's disk never filled") {
            (try? String(contentsOfFile: try #require(consumer.errorPath), encoding: .utf8))?.contains("applying a batch failed") == true
        }
        let appliedWhileFull = try cluster.effects(["c1"]).count
        #expect(appliedWhileFull < 10_000)
        // Full: what is applied stays put (no half-committed batch), and the producer still holds the rest.
        try await Task.sleep(for: .seconds(1))
        #expect(try cluster.effects(["c1"]).count == appliedWhileFull)
        #expect(try cluster.pending() >= 10_000 - appliedWhileFull)

        let grown = try await runDetached("/bin/mount", ["-o", "remount,size=64m", mountPoint])
        try #require(grown.status == 0, "remount: \(grown.error)")
        expectExactlyOnce(try await cluster.waitForEffects(["c1"], count: 10_000), count: 10_000)
        try await cluster.waitUntil(within: 30, "messages still pending") { try cluster.pending() == 0 }
    }
}
