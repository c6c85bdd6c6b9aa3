import Foundation
import IblaghSchemas
import IblaghStore
import Synchronization
import Testing
import TestSupport
import ZeroMQ
@testable import ReliableHop

/// Instances sharing one outbox (PostgreSQL) hand its delivery over when the leader's session ends — a server
/// restart, a failover. Here the store decides leadership and can hold the dispatcher's reads, so the race between
/// a read and a change of hands is played out exactly.
@Suite("The shared outbox changing hands")
struct LeadershipTests {
    @Test("a read of the outbox begun before leadership was lost and taken back is thrown away: what was in flight is delivered again, not skipped")
    func readAcrossALeadershipChange() async throws {
        let directory = try temporaryDirectory()
        let store = try SteeredStore(path: "\(directory)/producer.db")
        let context = try ZMQContext()
        let producerKeys = try CurveKeyPair.generate(), consumerKeys = try CurveKeyPair.generate()
        func publish(_ range: Range<Int>) async throws {
            try await store.write { transaction in
                for index in range {
                    let envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ReportAccepted(), messageID: "m-\(index)", producer: "p")
                    try Outbox.enqueue(envelope, for: ["g"], in: transaction)
                }
            }
        }
        func ids(_ range: Range<Int>) -> Set<String> { Set(range.map { "m-\($0)" }) }
        try await publish(0..<10)
        var configuration = DispatcherConfiguration(
            endpoint: "tcp://127.0.0.1:*", keyPair: producerKeys, consumers: AllowList([consumerKeys.publicKey: "g"]))
        configuration.recoveryPeriod = .milliseconds(100)
        configuration.pollInterval = .milliseconds(100)
        let dispatcher = try await Dispatcher(configuration: configuration, context: context, store: store)

        // A consumer that takes everything and acknowledges nothing: what it was given stays in flight.
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(keyPair: consumerKeys, serverKey: producerKeys.publicKey)
        try socket.setLinger(.zero)
        try socket.connect(dispatcher.boundEndpoint)
        let consumer = await AsyncSocket(socket, loop: PollLoop(name: "test-consumer"))
        let credit: [UInt8] = try Iblagh_V1_Credit.with {
            $0.consumerGroup = "g"
            $0.consumerID = "c1"
            $0.credit = 1000
        }.serializedBytes()
        let heartbeat = Task {
            while !Task.isCancelled {
                try await consumer.send(Multipart([HopFrame.credit, credit]))
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        defer { heartbeat.cancel() }
        func delivered(within seconds: Int) async throws -> Set<String> {
            var found = Set<String>()
            let deadline = ContinuousClock.now + .seconds(seconds)
            while let message = try await consumer.receive(before: deadline) {
                guard message.frames.count == 2, message.frames[0] == HopFrame.delivers,
                    let entries = PackedDeliveries.decode(message.frames[1])
                else { continue }
                found.formUnion(entries.map(\.messageID))
            }
            return found
        }
        #expect(try await delivered(within: 3) == ids(0..<10))

        // A read begins and is held; meanwhile this instance loses the outbox and takes it back, starting over.
        store.holdReads()
        try await publish(10..<20)
        await dispatcher.outboxChanged()
        let deadline = Date().addingTimeInterval(10)
        while store.heldReads == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.heldReads > 0, "the dispatcher did not read the outbox")
        store.setLeading(false)
        try await Task.sleep(for: .seconds(1))  // ten leadership checks
        store.setLeading(true)
        try await Task.sleep(for: .seconds(1))
        store.releaseReads()

        // None of the first ten was acknowledged: the new term delivers them again, with the next ten.
        #expect(try await delivered(within: 5) == ids(0..<20))
        await dispatcher.stop()
        await consumer.close()
    }
}

/// A SQLite store whose ``lead(_:)`` answer the test sets, and whose reads it can hold until it lets them go.
final class SteeredStore: Store {
    private struct State {
        var leading = true
        var holding = false
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let base: SQLiteStore
    private let state = Mutex(State())

    init(path: String) throws {
        base = try SQLiteStore(path: path, migrations: HopSchema.migrations)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await base.write(body)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        await withCheckedContinuation { continuation in
            let wait = state.withLock { state in
                if state.holding { state.held.append(continuation) }
                return state.holding
            }
            if !wait { continuation.resume() }
        }
        return try await base.read(body)
    }

    func lead(_ name: String) async -> Bool { state.withLock { $0.leading } }

    func setLeading(_ leading: Bool) { state.withLock { $0.leading = leading } }
    func holdReads() { state.withLock { $0.holding = true } }
    var heldReads: Int { state.withLock { $0.held.count } }

    func releaseReads() {
        let held = state.withLock { state in
            state.holding = false
            defer { state.held.removeAll() }
            return state.held
        }
        held.forEach { $0.resume() }
    }
}
