import Foundation
import IblaghSchemas
import IblaghStore
import Logging
@testable import PoliceNotifier
import Synchronization
import Testing
import TestSupport
import ZeroMQ

/// The console push, in process, with its store's reads held at will: a commit that comes while a push is reading
/// must still reach the console.
@Suite("The console push")
struct ConsolePushTests {
    @Test("a case committed while a push is reading is pushed too, without waiting for another commit")
    func commitDuringAPushIsPushed() async throws {
        let directory = try temporaryDirectory()
        let store = HeldReads(try SQLiteStore(path: "\(directory)/notifier.db", migrations: NotifierSchema.migrations))
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate(), consoleKeys = try CurveKeyPair.generate()
        let endpoint = try await ConsoleEndpoint(
            endpoint: "tcp://127.0.0.1:*", keyPair: serverKeys, consoles: AllowList([consoleKeys.publicKey: "unit:kenitra"]),
            context: context, store: store, assignments: CaseAssignments(directory: try UnitDirectory(), producer: "notifier-test"),
            clock: SystemClock(), logger: Logger(label: "test"))
        let serving = Task { try await endpoint.run() }
        defer { serving.cancel() }

        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(keyPair: consoleKeys, serverKey: serverKeys.publicKey)
        try socket.setLinger(.zero)
        try socket.connect(endpoint.boundEndpoint)
        let console = await AsyncSocket(socket, loop: PollLoop(name: "test-console"))
        let watch = try Iblagh_V1_Envelope(
            wrapping: Iblagh_V1_ConsoleRequest.with { $0.watch = .init() }, messageID: "watch", producer: "test-console")
        try await console.send(Multipart([watch.frame]))
        _ = try await withTimeout(.seconds(10)) { try await console.receive() }

        // The first push reads case 1 and is held before it sends; case 2 is committed and announced meanwhile.
        try await store.write { try Self.assign("IBL-TEST-1", in: $0) }
        store.holdNextRead()
        let first = Task { await endpoint.committed() }
        try await store.readIsHeld()
        try await store.write { try Self.assign("IBL-TEST-2", in: $0) }
        await endpoint.committed()
        store.release()
        await first.value

        var pushed: [String] = []
        while pushed.count < 2, let event = try await withTimeout(.seconds(5), { try await console.receive() }) {
            let envelope = try Iblagh_V1_Envelope(frame: event.frames.last ?? [])
            pushed.append(try envelope.payload(as: Iblagh_V1_ConsoleEvent.self).case.trackingID)
        }
        #expect(pushed == ["IBL-TEST-1", "IBL-TEST-2"])
        await console.close()
    }

    /// A case assigned to the Kénitra unit, as `CaseAssignments.assign` leaves it for the console.
    static func assign(_ trackingID: String, in transaction: any StoreTransaction) throws {
        try transaction.execute(
            """
            INSERT INTO notifier_case (tracking_id, category, priority, region, competent_unit, explanation, routed_version, state, level)
            VALUES (?, 1, 1, '04', 'kenitra', 'test', 1, 'notified', 0)
            """, [.text(trackingID)])
        try transaction.execute(
            "INSERT INTO notifier_assignment (tracking_id, unit_id, level, notified_at, acknowledge_by, contact_by) VALUES (?, 'kenitra', 0, 0, 0, 0)",
            [.text(trackingID)])
    }
}

/// A real SQLite store whose next asynchronous read, once asked for, runs and then waits to return until released:
/// it holds what the read found while the test commits more.
final class HeldReads: Store, @unchecked Sendable {
    // @unchecked: `state` is guarded by its Mutex.
    private let base: SQLiteStore
    private let state = Mutex<(holdNext: Bool, held: Bool, release: CheckedContinuation<Void, Never>?, released: Bool)>((false, false, nil, false))

    init(_ base: SQLiteStore) { self.base = base }

    func holdNextRead() { state.withLock { $0.holdNext = true } }

    /// Waits until a read is being held.
    func readIsHeld() async throws {
        for _ in 0..<1_000 where !state.withLock({ $0.held }) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(state.withLock { $0.held }, "no read was held")
    }

    func release() {
        let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.release = nil }
            return state.release
        }
        waiting?.resume()
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let result = try await base.read(body)
        let hold = state.withLock { state -> Bool in
            defer { state.holdNext = false }
            return state.holdNext
        }
        if hold {
            await withCheckedContinuation { continuation in
                let released = state.withLock { state -> Bool in
                    state.held = true
                    if state.released { return true }
                    state.release = continuation
                    return false
                }
                if released { continuation.resume() }
            }
        }
        return result
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T { try await base.write(body) }
    func write<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await base.write(durability: durability, body)
    }
    func lead(_ name: String) async -> Bool { await base.lead(name) }
}
