import Foundation
import Testing
import TestSupport

/// The reliable hop with real processes on loopback while its processes and its database die: nothing is lost or
/// applied twice. A suite of its own beside ``ReliableHopTests``, so the two chains of serialized tests run side by
/// side.
@Suite("Reliable hop under crashes: nothing lost, nothing applied twice", .serialized)
struct HopCrashTests {
    @Test("kill -9 a consumer at random moments, 6 times, and restart it: 0 lost, 0 applied twice", arguments: StoreKind.allCases)
    func consumerCrashes(store: StoreKind) async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("c2", "g")], store: store)
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 10_000, rate: 1_000)
        let victim = try await cluster.consumer("c1", connect: [endpoint])
        _ = try await cluster.consumer("c2", connect: [endpoint])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...1200, using: &generator)))
            victim.crash()
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...500, using: &generator)))
            try victim.restart()
            _ = try await victim.waitForLine("ready")
        }
        expectExactlyOnce(try await cluster.waitForEffects(["c1", "c2"], count: 10_000), count: 10_000)
    }

    @Test("a consumer that dies for good: after the failover timeout the other instance gets its messages; none lost")
    func consumerGoneForGood() async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("c2", "g")])
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 5_000, failover: 3)
        // c1 is slow, so it holds a full credit window of unacknowledged messages when it dies.
        let doomed = try await cluster.consumer("c1", connect: [endpoint], slowMs: 2)
        _ = try await cluster.consumer("c2", connect: [endpoint])
        try await waitUntil("c1 applied nothing yet") { try await cluster.effects(["c1"]).count > 100 }
        doomed.crash()
        let appliedByC1 = try await cluster.effects(["c1"]).count
        try await waitUntil(summary(try await cluster.effects(["c1", "c2"]), expected: 5_000)) {
            Set(try await cluster.effects(["c1", "c2"]).keys) == expectedIDs(5_000)
        }
        // Each instance applied each message at most once. Applied by both can only be what c1 committed in its
        // last moment and could not acknowledge — its own database holds the proof, for an operator to reconcile.
        #expect(try await cluster.effects(["c1"]).values.allSatisfy { $0 == 1 })
        #expect(try await cluster.effects(["c2"]).values.allSatisfy { $0 == 1 })
        let both = try await Set(cluster.effects(["c1"]).keys).intersection(cluster.effects(["c2"]).keys)
        #expect(both.count <= 1_000, "more overlap than one credit window: \(both.count)")
        #expect(try await cluster.effects(["c2"]).count >= 5_000 - appliedByC1)  // c2 took over what c1 held
    }

    @Test("kill -9 the producer mid-stream and restart it: 0 lost, 0 applied twice", arguments: StoreKind.allCases)
    func producerCrashes(store: StoreKind) async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("c2", "g")], store: store)
        defer { cluster.stopAll() }
        let (producer, endpoint) = try await cluster.producer(count: 10_000, rate: 2_000)
        _ = try await cluster.consumer("c1", connect: [endpoint])
        _ = try await cluster.consumer("c2", connect: [endpoint])
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(1500))
            producer.crash()
            try producer.restart(endpoint: endpoint)
            _ = try await producer.waitForLine("ready")
        }
        expectExactlyOnce(try await cluster.waitForEffects(["c1", "c2"], count: 10_000), count: 10_000)
    }

    @Test("with the consumer down the producer keeps committing; after it starts, the backlog drains", arguments: StoreKind.allCases)
    func backlogDrains(store: StoreKind) async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g")], store: store)
        defer { cluster.stopAll() }
        let (producer, endpoint) = try await cluster.producer(count: 5_000)
        _ = try await producer.waitForLine("enqueued")
        #expect(try await cluster.pending() == 5_000)
        _ = try await cluster.consumer("c1", connect: [endpoint])
        let effects = try await cluster.waitForEffects(["c1"], count: 5_000)
        #expect(effects.values.allSatisfy { $0 == 1 })
    }

    @Test("two consumer instances sharing one PostgreSQL database, each killed -9 three times: every message applied exactly once across both")
    func instancesSharingPostgres() async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("c2", "g")], store: .postgres)
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 6_000, rate: 1_000)
        let first = try await cluster.consumer("c1", connect: [endpoint])
        let second = try await cluster.consumer("c2", connect: [endpoint], sharingDatabaseWith: "c1")
        var generator = SystemRandomNumberGenerator()
        for victim in [first, second, first, second, first, second] {
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...900, using: &generator)))
            victim.crash()
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
            try victim.restart()
            _ = try await victim.waitForLine("ready")
        }
        // One inbox for both: a message redelivered to the other instance after a crash is recognised there too, so
        // even across instances nothing is applied twice (with a database each, that overlap is only bounded).
        expectExactlyOnce(try await cluster.waitForEffects(["c1", "c2"], count: 6_000), count: 6_000)
        #expect(try await cluster.count("SELECT COUNT(DISTINCT consumer) FROM effects", in: "c1") == 2)
    }

    @Test("PostgreSQL restarted twice mid-stream: producer and consumers reconnect, every message applied exactly once")
    func postgresRestarts() async throws {
        let server = try await PostgresServer()
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("c2", "g")], server: server)
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 6_000, rate: 1_000)
        _ = try await cluster.consumer("c1", connect: [endpoint])
        _ = try await cluster.consumer("c2", connect: [endpoint], sharingDatabaseWith: "c1")
        for _ in 0..<2 {
            try await Task.sleep(for: .milliseconds(1500))
            try await server.stop()  // fast shutdown: every session is cut mid-transaction
            try await Task.sleep(for: .milliseconds(1000))
            try await server.start()
        }
        expectExactlyOnce(try await cluster.waitForEffects(["c1", "c2"], count: 6_000), count: 6_000)
        try await waitUntil(within: 60, "messages still pending") { try await cluster.pending() == 0 }
    }
}
