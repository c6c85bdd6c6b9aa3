import Foundation
import IblaghSchemas
import IblaghStore
import Metrics
import MetricsTestKit
import ReliableHop
import Testing
import TestSupport
import ZeroMQ

/// The hop's library API in one process, and the figures it reports. The only suite that bootstraps metrics.
@Suite("Reliable hop in one process: metrics")
struct HopMetricsTests {
    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    struct Effects: HopHandler {
        func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
            try transaction.execute("INSERT INTO effects (message_id) VALUES (?)", [.text(envelope.messageID)])
        }
    }

    /// A consumer's store, with the table `Effects` writes to.
    static func effectsStore(path: String) throws -> SQLiteStore {
        try SQLiteStore(path: path, migrations: HopSchema.migrations + [Migration("effects", ["CREATE TABLE effects (message_id TEXT NOT NULL)"])])
    }

    static func effectCount(in store: SQLiteStore) async throws -> Int64? {
        try await store.read { try $0.rows("SELECT COUNT(*) AS c FROM effects", []).first?.integer("c") }
    }

    @Test("delivered, acknowledged, duplicates ignored, batch sizes and outbox depth are reported")
    func metricsAreReported() async throws {
        let metrics = Self.metrics
        let directory = try temporaryDirectory("hop-metrics")
        let group = "metrics-\(UUID().uuidString.prefix(6))"
        let context = try ZMQContext()
        let consumerKeys = try CurveKeyPair.generate()

        // Two producers publish overlapping ids: m-0..m-199 and m-150..m-249 (50 in common).
        var producers: [(Dispatcher, CurvePublicKey)] = []
        for (name, range) in [("a", 0..<200), ("b", 150..<250)] {
            let keys = try CurveKeyPair.generate()
            let store = try SQLiteStore(path: "\(directory)/producer-\(name).db", migrations: HopSchema.migrations)
            var configuration = DispatcherConfiguration(
                endpoint: "tcp://127.0.0.1:*", keyPair: keys, consumers: AllowList([consumerKeys.publicKey: group]))
            configuration.recoveryPeriod = .milliseconds(200)
            try await store.write { transaction in
                for index in range {
                    let envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ReportAccepted(), messageID: "m-\(index)", producer: name)
                    try Outbox.enqueue(envelope, for: [group], in: transaction)
                }
            }
            producers.append((try await Dispatcher(configuration: configuration, context: context, store: store), keys.publicKey))
        }
        let consumerStore = try Self.effectsStore(path: "\(directory)/\(group)-consumer.db")
        let consumer = try await HopConsumer(
            configuration: ConsumerConfiguration(
                group: group, consumerID: "c1", keyPair: consumerKeys,
                upstreams: producers.enumerated().map { index, producer in
                    .init(name: "producer-\(index)", endpoint: producer.0.boundEndpoint, serverKey: producer.1, acceptedTypes: [.reportAccepted])
                }),
            context: context, store: consumerStore, handler: Effects())

        let producerSide = [("side", "producer"), ("group", group)], consumerSide = [("side", "consumer"), ("group", group)]
        // A consumer starved past the heartbeat timeout on a loaded machine is sent what it holds again when it is
        // heard from (CI saw 100 such): every copy is acknowledged, and every copy past the first is a duplicate. So
        // the producers' acknowledgements alone do not say that all is done: wait for the consumer's side too.
        func counter(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
            metrics.counterTotal(label: label, dimensions: dimensions)
        }
        func effectCount() async throws -> Int64? { try await Self.effectCount(in: consumerStore) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let redelivered = counter("iblagh_hop_redelivered_total", producerSide)
            if counter("iblagh_hop_acknowledged_total", producerSide) >= 300 + redelivered,
                counter("iblagh_hop_acknowledged_total", consumerSide) >= 300 + redelivered,
                try await effectCount() == 250
            { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await effectCount() == 250)  // 300 deliveries, 250 distinct ids
        #expect(counter("iblagh_hop_delivered_total", producerSide) == 300)
        let redelivered = counter("iblagh_hop_redelivered_total", producerSide)
        #expect(metrics.counterTotal(label: "iblagh_hop_acknowledged_total", dimensions: consumerSide) == 300 + redelivered)
        #expect(metrics.counterTotal(label: "iblagh_hop_duplicates_ignored_total", dimensions: consumerSide) == 50 + redelivered)
        let batches = try metrics.expectRecorder("iblagh_hop_commit_batch_size", consumerSide)
        #expect(batches.values.reduce(0, +) >= 300)
        let depth = try metrics.expectGauge("iblagh_hop_outbox_depth", producerSide)
        #expect(depth.values.contains { $0 > 0 })
        // Each store's WAL: what it holds after each checkpoint round (a page and a 24-byte header per frame).
        let wal = try metrics.expectGauge("iblagh_store_wal_bytes", [("store", "\(group)-consumer.db")])
        #expect(wal.values.contains { $0 > 4_096 && Int($0 - 32) % (4_096 + 24) == 0 }, "\(wal.values.suffix(5))")

        await consumer.stop()
        for (dispatcher, _) in producers { await dispatcher.stop() }
    }

    @Test("messages arriving within a consumer's linger share one commit; a lone message is applied without company")
    func lingerSharesCommits() async throws {
        let metrics = Self.metrics
        let directory = try temporaryDirectory("hop-linger")
        let group = "linger-\(UUID().uuidString.prefix(6))"
        let context = try ZMQContext()
        let producerKeys = try CurveKeyPair.generate(), consumerKeys = try CurveKeyPair.generate()
        let store = try SQLiteStore(path: "\(directory)/producer.db", migrations: HopSchema.migrations)
        var dispatch = DispatcherConfiguration(
            endpoint: "tcp://127.0.0.1:*", keyPair: producerKeys, consumers: AllowList([consumerKeys.publicKey: group]))
        dispatch.recoveryPeriod = .milliseconds(100)
        let dispatcher = try await Dispatcher(configuration: dispatch, context: context, store: store)
        let consumerStore = try Self.effectsStore(path: "\(directory)/consumer.db")
        var configuration = ConsumerConfiguration(
            group: group, consumerID: "c1", keyPair: consumerKeys,
            upstreams: [.init(name: "producer", endpoint: dispatcher.boundEndpoint, serverKey: producerKeys.publicKey, acceptedTypes: [.reportAccepted])])
        // Long, and a batch of ten is enough: the ten below commit together as soon as the tenth is in, however slowly
        // a loaded machine delivers them (within the linger), and the test does not depend on the machine's pace.
        configuration.linger = .seconds(3)
        configuration.lingerBatch = 10
        let consumer = try await HopConsumer(configuration: configuration, context: context, store: consumerStore, handler: Effects())
        @Sendable func publish(_ ids: Range<Int>) async throws {
            for index in ids {
                try await store.write { transaction in
                    let envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ReportAccepted(), messageID: "m-\(index)", producer: "producer")
                    try Outbox.enqueue(envelope, for: [group], in: transaction)
                }
                dispatcher.outboxChangedSoon()
            }
        }
        func applied(_ count: Int64) async throws {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if try await Self.effectCount(in: consumerStore) == count { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            Issue.record("\(count) effects not applied in 30 s")
        }
        let consumerSide = [("side", "consumer"), ("group", group)]
        func commits() throws -> [Double] { try metrics.expectRecorder("iblagh_hop_commit_batch_size", consumerSide).values }

        // Alone: committed once the linger is over, not held for a companion that never comes. (Also: the consumer is
        // connected and granting credit before the ten below, which would otherwise wait in the outbox together.)
        try await Task.sleep(for: .milliseconds(300))  // past the producer's recovery period
        try await publish(0..<1)
        try await applied(1)
        // (A loaded machine may take a starved consumer for absent and deliver what it held again — CI saw it, the copy
        // arriving within the linger and sharing the commit, or after it in a commit of its own.)
        let alone = try commits()
        #expect(alone.reduce(0, +) >= 1 && alone.allSatisfy { $0 <= 2 }, "commits of \(alone)")
        // Ten messages, each committed by the producer on its own, one after another: they share a commit (two if the
        // machine took longer than the linger between the first and the last), not one each — 8 commits without it.
        try await publish(1..<11)
        try await applied(11)
        let batches = try commits().dropFirst(alone.count)
        #expect(batches.reduce(0, +) >= 10)
        // Copies delivered again (see above) may land in commits of their own: one more allowed per duplicate.
        let duplicates = Int(metrics.counterTotal(label: "iblagh_hop_duplicates_ignored_total", dimensions: consumerSide))
        #expect(batches.count <= 3 + duplicates, "commits of \(Array(batches)), \(duplicates) duplicates")

        await consumer.stop()
        await dispatcher.stop()
    }

    @Test("messages that trickle in are shared between a group's instances, also when another group is served in the same turns")
    func tricklingMessagesAreShared() async throws {
        let directory = try temporaryDirectory("hop-share")
        let context = try ZMQContext()
        let producerKeys = try CurveKeyPair.generate()
        let keys = try ["a1", "a2", "b1"].map { ($0, try CurveKeyPair.generate()) }
        let store = try SQLiteStore(path: "\(directory)/producer.db", migrations: HopSchema.migrations)
        var configuration = DispatcherConfiguration(
            endpoint: "tcp://127.0.0.1:*", keyPair: producerKeys,
            consumers: AllowList(Dictionary(uniqueKeysWithValues: keys.map { ($1.publicKey, String($0.prefix(1))) })))
        configuration.recoveryPeriod = .milliseconds(100)
        let dispatcher = try await Dispatcher(configuration: configuration, context: context, store: store)
        var consumers: [(String, HopConsumer, SQLiteStore)] = []
        for (id, pair) in keys {
            let consumerStore = try Self.effectsStore(path: "\(directory)/\(id).db")
            let upstream = ConsumerConfiguration.Upstream(
                name: "producer", endpoint: dispatcher.boundEndpoint, serverKey: producerKeys.publicKey, acceptedTypes: [.reportAccepted])
            var consumerConfiguration = ConsumerConfiguration(group: String(id.prefix(1)), consumerID: id, keyPair: pair, upstreams: [upstream])
            consumerConfiguration.linger = .zero
            consumers.append((id, try await HopConsumer(configuration: consumerConfiguration, context: context, store: consumerStore, handler: Effects()), consumerStore))
        }
        try await Task.sleep(for: .milliseconds(1_500))  // every consumer has granted credit (a CREDIT sent before its
        // handshake completes is dropped; the next goes a second later)
        // One at a time, each for both groups (as a router's CaseRouted goes to the tracker and a notifier).
        for index in 0..<40 {
            _ = try await store.write { transaction in
                try Outbox.enqueue(
                    try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ReportAccepted(), messageID: "t-\(index)", producer: "p"), for: ["a", "b"], in: transaction)
            }
            await dispatcher.outboxChanged()
            try await Task.sleep(for: .milliseconds(15))
        }
        var counts: [String: Int64] = [:]
        let deadline = Date().addingTimeInterval(30)
        repeat {
            for (id, _, consumerStore) in consumers { counts[id] = try await Self.effectCount(in: consumerStore) ?? 0 }
            if (counts["a1"] ?? 0) + (counts["a2"] ?? 0) >= 40, counts["b1"] ?? 0 >= 40 { break }
            try await Task.sleep(for: .milliseconds(100))
        } while Date() < deadline
        #expect((counts["a1"] ?? 0) + (counts["a2"] ?? 0) == 40 && counts["b1"] == 40, "\(counts)")
        #expect(min(counts["a1"] ?? 0, counts["a2"] ?? 0) >= 10, "group a's two instances share its messages: \(counts)")
        for (_, consumer, _) in consumers { await consumer.stop() }
        await dispatcher.stop()
    }
}
