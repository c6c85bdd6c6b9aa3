import Foundation
import Testing
import TestSupport

extension ReliableHopTests {
    @Test("a consumer whose disk fills commits no batch in part, acknowledges nothing it did not commit and retries; once space returns every message is applied once")
    func consumerDiskFull() async throws {
        let disk = try await SmallFileSystem(size: "512k")
        let cluster = try await HopCluster(consumers: [("c1", "g")])
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 10_000)
        let consumer = try await cluster.consumer("c1", connect: [endpoint], database: "\(disk.path)/c1.db")
        @Sendable func failures() -> Int {
            ((try? String(contentsOfFile: consumer.errorPath ?? "", encoding: .utf8)) ?? "").components(separatedBy: "applying a batch failed").count - 1
        }
        try await waitUntil(within: 60, "the consumer's disk never filled") { failures() >= 1 }
        try await waitUntil(within: 10, "the consumer did not retry") { failures() >= 2 }
        // Full: the producer still holds everything not applied — nothing is acknowledged before it is committed, and
        // no batch is committed in part. (A retry may fit in the WAL once the checkpointer has started it over, so a
        // batch can still land now and then.) On a loaded machine the producer may still be enqueueing its 10,000
        // (CI once read 8,500): what it has enqueued is read first, then what it holds, then what was applied — each
        // later read can only make the check easier for a correct hop, never hide an acknowledgement without a commit.
        let enqueued = try await cluster.count("SELECT COALESCE(MAX(seq), 0) FROM hop_outbox", in: "producer")
        let pending = try await cluster.pending()
        let applied = try await cluster.effects(["c1"]).count
        #expect(applied < 10_000)
        #expect(pending >= enqueued - applied, "enqueued \(enqueued), pending \(pending), applied \(applied)")

        try await disk.grow(to: "64m")
        expectExactlyOnce(try await cluster.waitForEffects(["c1"], count: 10_000), count: 10_000)
        try await waitUntil(within: 30, "messages still pending") { try await cluster.pending() == 0 }
        withExtendedLifetime(disk) {}  // unmounted only when the test is done with it
    }
}
