import Foundation
import IblaghSchemas
import IblaghStore
import Testing
import TestSupport
import ZeroMQ
@testable import ReliableHop

/// The credit window measures what a consumer commits; a batch whose deliveries all passed their lease before the
/// transaction ran committed none of them.
@Suite("A consumer's credit after deliveries expired in its transaction")
struct CreditAfterExpiryTests {
    @Test("a batch that expired before its transaction ran counts as nothing committed: the credit falls to the floor")
    func expiredBatchNarrowsTheCredit() async throws {
        let directory = try temporaryDirectory()
        let context = try ZMQContext()
        let producerKeys = try CurveKeyPair.generate(), consumerKeys = try CurveKeyPair.generate()
        // The producer's side, by hand: a CURVE ROUTER that reads CREDIT and sends one DELIVERS.
        let router = try context.socket(.router)
        try router.makeCurveServer(keyPair: producerKeys, allowList: AllowList([consumerKeys.publicKey: "g"]))
        try router.setLinger(.zero)
        let endpoint = try router.bind("tcp://127.0.0.1:*")
        let producer = await AsyncSocket(router, loop: PollLoop(name: "test-producer"))

        var configuration = ConsumerConfiguration(
            group: "g", consumerID: "c1", keyPair: consumerKeys,
            upstreams: [.init(name: "p", endpoint: endpoint, serverKey: producerKeys.publicKey, acceptedTypes: [.reportAccepted])])
        configuration.deliveryLease = .milliseconds(200)
        configuration.heartbeatInterval = .milliseconds(100)
        // Every transaction starts 400 ms late — as one run again after a lost conflict or a reconnection.
        let store = try LateStore(path: "\(directory)/consumer.db", delay: .milliseconds(400))
        let consumer = try await HopConsumer(configuration: configuration, context: context, store: store, handler: NoEffect())
        do {
            try await expectFloorAfterExpiry(producer: producer, store: store)
        } catch {
            await consumer.stop()
            throw error
        }
        await consumer.stop()
    }

    private func expectFloorAfterExpiry(producer: AsyncSocket, store: some Store) async throws {

        /// The next CREDIT: who sent it and what it grants.
        func credit(before deadline: ContinuousClock.Instant) async throws -> (peer: [UInt8], credit: UInt32)? {
            while let message = try await producer.receive(before: deadline) {
                guard message.frames.count == 3, message.frames[1] == HopFrame.credit,
                    let grant = try? Iblagh_V1_Credit(serializedBytes: message.frames[2])
                else { continue }
                return (message.frames[0], grant.credit)
            }
            return nil
        }
        let first = try #require(try await credit(before: .now + .seconds(10)), "the consumer sent no CREDIT")
        #expect(first.credit == CreditWindow.start)

        var packed: [UInt8] = []
        for index in 0..<600 {
            let envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ReportAccepted(), messageID: "m-\(index)", producer: "p")
            PackedDeliveries.append(tag: UInt64(index + 1), messageID: envelope.messageID, envelope: envelope.frame, to: &packed)
        }
        try await producer.send(Multipart([first.peer, HopFrame.delivers, packed]))

        // Counting the 600 expired deliveries as committed in about 400 ms would grant 150 (600/0.4 s × half of
        // the 200-ms lease); nothing was committed, so the window closes to its floor.
        var granted: UInt32 = first.credit
        let deadline = ContinuousClock.now + .seconds(10)
        while granted == CreditWindow.start, let next = try await credit(before: deadline) { granted = next.credit }
        #expect(granted == CreditWindow.floor)
        #expect(try await store.read { try $0.rows("SELECT COUNT(*) AS n FROM hop_inbox", []).first?.integer("n") } == 0)
    }
}

/// Applies nothing (the inbox record is the consumer's own).
private struct NoEffect: HopHandler {
    func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {}
}

/// A SQLite store whose write transactions start `delay` late.
private final class LateStore: Store {
    private let base: SQLiteStore
    private let delay: Duration

    init(path: String, delay: Duration) throws {
        base = try SQLiteStore(path: path, migrations: HopSchema.migrations)
        self.delay = delay
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await Task.sleep(for: delay)
        return try await base.write(body)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await base.read(body)
    }
}
