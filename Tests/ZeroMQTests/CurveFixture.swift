import Foundation
import Testing
@testable import ZeroMQ

/// A CURVE server socket on loopback with its own context, loop and keys, for one test.
struct CurveFixture {
    let context: ZMQContext
    let loop: PollLoop
    let serverKeys: CurveKeyPair
    let server: AsyncSocket
    let endpoint: String
    let events: AsyncStream<MonitorEvent>

    init(_ type: SocketType = .pull, allow: AllowList, maxMessageSize: Int64? = nil) async throws {
        context = try ZMQContext()
        loop = PollLoop(name: "test-server")
        serverKeys = try CurveKeyPair.generate()
        let socket = try context.socket(type)
        try socket.makeCurveServer(keyPair: serverKeys, allowList: allow)
        if let maxMessageSize { try socket.setMaxMessageSize(maxMessageSize) }
        server = await AsyncSocket(socket, loop: loop)
        events = try await server.monitor()
        endpoint = try await server.withSocket { try $0.bind("tcp://127.0.0.1:*") }
    }

    /// A CURVE client of `type` connected to the server with `keys`.
    func client(_ type: SocketType = .push, keys: CurveKeyPair, serverKey: CurvePublicKey? = nil) async throws -> AsyncSocket {
        let socket = try context.socket(type)
        try socket.makeCurveClient(keyPair: keys, serverKey: serverKey ?? serverKeys.publicKey)
        try socket.connect(endpoint)
        return await AsyncSocket(socket, loop: loop)
    }

    /// Waits for the first monitor event matching `predicate`, failing after `seconds`.
    func waitForEvent(within seconds: Double = 20, _ predicate: @escaping @Sendable (MonitorEvent) -> Bool) async throws -> MonitorEvent {
        try await withDeadline(seconds) {
            for await event in events where predicate(event) { return event }
            throw DeadlineExceeded()
        }
    }

    func stop() async {
        await server.close()
        loop.stop()
    }
}

struct DeadlineExceeded: Error {}

/// Runs `body`, throwing ``DeadlineExceeded`` when it takes longer than `seconds` (generous: the machine is shared).
func withDeadline<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
