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
        let store = HeldReads(try SQLiteStore(path: "\(try temporaryDirectory())/notifier.db", migrations: NotifierSchema.migrations))
        let (endpoint, console, serving) = try await Self.watchingConsole(of: store)
        defer { serving.cancel() }

        // The first push reads case 1 and is held before it sends; case 2 is committed and announced meanwhile.
        try await store.write { try Self.assign("IBL-TEST-1", in: $0) }
        store.holdNextRead()
        let first = Task { await endpoint.committed() }
        try await store.readIsHeld()
        try await store.write { try Self.assign("IBL-TEST-2", in: $0) }
        await endpoint.committed()
        store.release()
        await first.value

        #expect(try await Self.pushed(2, to: console) == ["IBL-TEST-1", "IBL-TEST-2"])
        await console.close()
    }

    @Test("cases committed on another thread, each announced with committedSoon, reach the watching console once each, in order")
    func announcedCommitsArePushed() async throws {
        let store = try SQLiteStore(path: "\(try temporaryDirectory())/notifier.db", migrations: NotifierSchema.migrations)
        let (endpoint, console, serving) = try await Self.watchingConsole(of: store)
        defer { serving.cancel() }
        let ids = (1...300).map { "IBL-TEST-\($0)" }
        // As the notifier's consumers do: commit on their own thread, then announce without waiting. Unsynced commits
        // come as fast as pushes run, so many announcements arrive while a push is under way (an announcement lost
        // then failed this in three runs of four).
        try await detached {
            for id in ids {
                try store.writeBlocking(durability: .deferred) { try Self.assign(id, in: $0) }
                endpoint.committedSoon()
            }
        }
        #expect(try await Self.pushed(ids.count, to: console) == ids)
        await console.close()
    }

    /// A console endpoint on `store`, serving, and a console of the Kénitra unit that has sent `Watch`.
    static func watchingConsole(of store: any Store) async throws -> (ConsoleEndpoint, AsyncSocket, Task<Void, Error>) {
        let context = try ZMQContext()
        let serverKeys = try CurveKeyPair.generate(), consoleKeys = try CurveKeyPair.generate()
        let endpoint = try await ConsoleEndpoint(
            endpoint: "tcp://127.0.0.1:*", keyPair: serverKeys, consoles: AllowList([consoleKeys.publicKey: "unit:kenitra"]),
            context: context, store: store, assignments: CaseAssignments(directory: try UnitDirectory(), producer: "notifier-test"),
            clock: SystemClock(), logger: Logger(label: "test"))
        let serving = Task { try await endpoint.run() }
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(keyPair: consoleKeys, serverKey: serverKeys.publicKey)
        try socket.setLinger(.zero)
        try socket.connect(endpoint.boundEndpoint)
        let console = await AsyncSocket(socket, loop: PollLoop(name: "test-console"))
        let watch = try Iblagh_V1_Envelope(
            wrapping: Iblagh_V1_ConsoleRequest.with { $0.watch = .init() }, messageID: "watch", producer: "test-console")
        try await console.send(Multipart([watch.frame]))
        _ = try await withTimeout(.seconds(10)) { try await console.receive() }
        return (endpoint, console, serving)
    }

    /// The tracking ids of up to `count` cases pushed to `console` (fewer if none comes for 5 s).
    static func pushed(_ count: Int, to console: AsyncSocket) async throws -> [String] {
        var pushed: [String] = []
        while pushed.count < count, let event = try await withTimeout(.seconds(5), { try await console.receive() }) {
            let envelope = try Iblagh_V1_Envelope(frame: event.frames.last ?? [])
            pushed.append(try envelope.payload(as: Iblagh_V1_ConsoleEvent.self).case.trackingID)
        }
        return pushed
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
