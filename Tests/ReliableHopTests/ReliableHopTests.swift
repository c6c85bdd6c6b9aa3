import Foundation
import Testing
import TestSupport

/// The reliable hop with real processes on loopback: a report is never lost or applied twice, whatever dies.
@Suite("Reliable hop: nothing lost, nothing applied twice", .serialized)
struct ReliableHopTests {
    @Test("10,000 messages through one hop to 2 consumer instances: each applied exactly once, load shared", arguments: StoreKind.allCases)
    func tenThousandToTwoConsumers(store: StoreKind) async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("c2", "g")], store: store)
        defer { cluster.stopAll() }
        // Both consumers are connected before the first message exists (the producer waits for them, past its recovery
        // period), and the messages come over about 4 s: the share must not hinge on how long a process takes to start
        // on a loaded machine (in CI the second one once joined after all 10,000 had gone to the first).
        let (_, endpoint) = try await cluster.producer(count: 10_000, rate: 2_500, warmup: 3, awaitConsumers: 2)
        _ = try await cluster.consumer("c1", connect: [endpoint])
        _ = try await cluster.consumer("c2", connect: [endpoint])
        expectExactlyOnce(try await cluster.waitForEffects(["c1", "c2"], count: 10_000), count: 10_000)
        let shares = try await [cluster.effects(["c1"]).count, cluster.effects(["c2"]).count]
        #expect(shares.allSatisfy { $0 > 1000 }, "load not shared: \(shares)")
        try await waitUntil(within: 30, "messages still pending") {
            try await cluster.pending() == 0
        }
    }

    @Test("a consumer that commits slowly takes only what it can commit within its lease: nothing expires, nothing waits for the redelivery timeout")
    func slowConsumerNarrowsItsCredit() async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g")])
        defer { cluster.stopAll() }
        let (producer, endpoint) = try await cluster.producer(count: 1_000)
        _ = try await producer.waitForLine("enqueued")
        // 10 ms per effect, 150 per transaction and a 1-s lease. Granting a fixed 1,000, the consumer would hold what
        // it cannot commit in a second, drop it unapplied, and the producer would give it out again only at its 60-s
        // redelivery timeout: the run could not finish in 45 s.
        _ = try await cluster.consumer("c1", connect: [endpoint], lease: 1, slowMs: 10, maxBatch: 150)
        try await waitUntil(within: 45, summary(try await cluster.effects(["c1"]), expected: 1_000)) {
            try await cluster.effects(["c1"]).count == 1_000
        }
        expectExactlyOnce(try await cluster.effects(["c1"]), count: 1_000)
        let log = try String(contentsOfFile: "\(cluster.directory)/c1.log", encoding: .utf8)
        #expect(!log.contains("past their lease"), "deliveries expired: \(log.split(separator: "\n").filter { $0.contains("lease") }.prefix(3))")
    }

    @Test("the same message id delivered twice (by two producers) has one effect", arguments: StoreKind.allCases)
    func duplicateIDsHaveOneEffect(store: StoreKind) async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g")], store: store)
        defer { cluster.stopAll() }
        let (_, first) = try await cluster.producer("producer-a", count: 2_000)
        let (_, second) = try await cluster.producer("producer-b", count: 2_000)
        _ = try await cluster.consumer("c1", connect: [first, second])
        try await waitUntil(within: 120, "messages still pending at a producer") {
            let (a, b) = (try await cluster.pending(in: "producer-a"), try await cluster.pending(in: "producer-b"))
            return a == 0 && b == 0
        }
        let effects = try await cluster.effects(["c1"])
        #expect(Set(effects.keys) == expectedIDs(2_000))
        #expect(effects.values.allSatisfy { $0 == 1 })
        #expect(try await cluster.count("SELECT COUNT(*) FROM hop_inbox", in: "c1") == 2_000)
    }

    @Test("a group that is sent nothing does not hold the outbox: its cursor moves past the other groups' rows, which are pruned",
          arguments: StoreKind.allCases)
    func idleGroupDoesNotHoldTheOutbox(store: StoreKind) async throws {
        // The producer serves groups g and h (both have enrolled consumers); every message is for g only, as a router's
        // messages for one region are for that region's notifier only.
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("idle", "h")], store: store)
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 2_000, groups: "g")
        _ = try await cluster.consumer("c1", connect: [endpoint])
        _ = try await cluster.consumer("idle", group: "h", connect: [endpoint])
        expectExactlyOnce(try await cluster.waitForEffects(["c1"], count: 2_000), count: 2_000)
        try await waitUntil(within: 30, "h's cursor did not move past g's rows") {
            try await cluster.count("SELECT COALESCE((SELECT acked_through FROM hop_cursor WHERE consumer_group = 'h'), 0)", in: "producer") >= 2000
        }
        try await waitUntil(within: 30, "the delivered rows were not pruned: \(try await cluster.count("SELECT COUNT(*) FROM hop_outbox", in: "producer")) left") {
            try await cluster.count("SELECT COUNT(*) FROM hop_outbox", in: "producer") == 0
        }
        #expect(try await cluster.effects(["idle"]).isEmpty)
    }

    @Test("two consumer groups each receive every message exactly once", arguments: StoreKind.allCases)
    func fanOutToTwoGroups(store: StoreKind) async throws {
        let cluster = try await HopCluster(consumers: [("router-1", "router"), ("tracker-1", "tracker"), ("tracker-2", "tracker")], store: store)
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 3_000, groups: "router,tracker")
        _ = try await cluster.consumer("router-1", group: "router", connect: [endpoint])
        _ = try await cluster.consumer("tracker-1", group: "tracker", connect: [endpoint])
        _ = try await cluster.consumer("tracker-2", group: "tracker", connect: [endpoint])
        try await waitUntil(summary(try await cluster.effects(["router-1"]), expected: 3_000)) {
            let (routers, trackers) = (try await cluster.effects(["router-1"]), try await cluster.effects(["tracker-1", "tracker-2"]))
            return routers.count == 3_000 && trackers.count == 3_000
        }
        for group in [["router-1"], ["tracker-1", "tracker-2"]] {
            let effects = try await cluster.effects(group)
            #expect(Set(effects.keys) == expectedIDs(3_000))
            #expect(effects.values.allSatisfy { $0 == 1 }, "\(group): \(summary(effects, expected: 3_000))")
        }
    }

    @Test("a malformed message and a type the consumer may not take are dead-lettered; the hop keeps working", arguments: StoreKind.allCases)
    func poisonIsDeadLettered(store: StoreKind) async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g")], store: store)
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 1_000, poison: true)
        _ = try await cluster.consumer("c1", connect: [endpoint])
        try await waitUntil("dead letters: \(try await cluster.count("SELECT COUNT(*) FROM hop_dead_letter", in: "producer"))") {
            let dead = try await cluster.count("SELECT COUNT(*) FROM hop_dead_letter", in: "producer")
            let applied = try await cluster.effects(["c1"]).count
            return dead == 2 && applied == 1_000
        }
        #expect(try await cluster.count("SELECT COUNT(*) FROM hop_dead_letter WHERE message_id = 'poison-garbage' AND reason LIKE '%not a protobuf%'", in: "producer") == 1)
        #expect(try await cluster.count("SELECT COUNT(*) FROM hop_dead_letter WHERE message_id = 'poison-type' AND reason LIKE '%may not send%'", in: "producer") == 1)
        #expect(try await cluster.pending() == 0)
        #expect(try await cluster.effects(["c1"]).values.allSatisfy { $0 == 1 })
    }

    @Test("a consumer whose key the producer does not admit says so, and joins by itself once the producer admits it")
    func consumerAdmittedLater() async throws {
        let cluster = try await HopCluster(consumers: [("late", "g")])
        defer { cluster.stopAll() }
        // The operator forgot to copy the consumer's certificate into the producer's allow-list.
        let admitted = "\(cluster.keys)/consumers/late.key", aside = "\(cluster.directory)/late.key"
        try FileManager.default.moveItem(atPath: admitted, toPath: aside)
        let (producer, endpoint) = try await cluster.producer(count: 500)
        _ = try await cluster.consumer("late", connect: [endpoint])
        let log = "\(cluster.directory)/late.log"
        try await waitUntil(within: 30, "the consumer said nothing of its refused handshake") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("upstream refused this consumer's key: is its public certificate in the upstream's allow-list")
        }
        #expect(try await cluster.effects(["late"]).isEmpty)
        // Admitted, and the producer restarted to read its allow-list again: the consumer, left running, joins.
        try FileManager.default.moveItem(atPath: aside, toPath: admitted)
        try producer.restart()
        _ = try await producer.waitForLine("ready ")
        expectExactlyOnce(try await cluster.waitForEffects(["late"], count: 500), count: 500)
    }

    @Test("a consumer whose upstream is out of reach says so after a while, and consumes once the producer is there")
    func upstreamOutOfReach() async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g")])
        defer { cluster.stopAll() }
        let endpoint = TestPorts.endpoint()  // nothing listens there yet: a producer down, or a wrong endpoint
        _ = try await cluster.consumer("c1", connect: [endpoint], unreachableWarning: 1)
        try await waitUntil(within: 30, "the consumer said nothing of its missing upstream") {
            ((try? String(contentsOfFile: "\(cluster.directory)/c1.log", encoding: .utf8)) ?? "").contains("no connection to the upstream")
        }
        _ = try await cluster.producer(count: 200, endpoint: endpoint)
        expectExactlyOnce(try await cluster.waitForEffects(["c1"], count: 200), count: 200)
    }

    @Test("a peer whose role is not the group it claims gets nothing; enrolled consumers are unaffected")
    func wrongRoleIsRefused() async throws {
        let cluster = try await HopCluster(consumers: [("c1", "g"), ("intruder", "statistics")])
        defer { cluster.stopAll() }
        let (_, endpoint) = try await cluster.producer(count: 1_000, groups: "g")
        // Enrolled as "statistics" but claiming group "g": refused at every CREDIT.
        _ = try await cluster.consumer("intruder", group: "g", connect: [endpoint])
        _ = try await cluster.consumer("c1", connect: [endpoint])
        let effects = try await cluster.waitForEffects(["c1"], count: 1_000)
        #expect(try await cluster.effects(["intruder"]).isEmpty)
        #expect(effects.values.allSatisfy { $0 == 1 })
    }
}
