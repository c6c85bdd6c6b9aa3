import CZeroMQ
import Synchronization

/// Watches a socket's events (`zmq_socket_monitor`) from its poll loop, so a service sees failed handshakes,
/// connections and disconnections as they happen.
public enum SocketMonitor {
    private static let counter = Atomic<Int>(0)

    /// Starts monitoring `socket` for `kinds`; events arrive on the returned stream (the newest 1,024 are kept if
    /// nobody reads). Call on `loop`, the loop that owns `socket`; monitoring ends when the socket is closed.
    public static func start(
        _ socket: ZMQSocket, on loop: PollLoop, kinds: MonitorEvent.Kind = .all
    ) throws -> AsyncStream<MonitorEvent> {
        loop.checkIsolated()
        guard let context = socket.owner else {
            throw ZMQError(.loopStopped, "the authenticator's socket cannot be monitored")
        }
        let endpoint = "inproc://iblagh.monitor.\(counter.add(1, ordering: .relaxed).newValue)"
        guard zmq_socket_monitor(socket.handle, endpoint, Int32(kinds.rawValue)) == 0 else {
            throw ZMQError.last("zmq_socket_monitor")
        }
        let pair = try context.socket(.pair)
        try pair.connect(endpoint)
        let (stream, continuation) = AsyncStream.makeStream(of: MonitorEvent.self, bufferingPolicy: .bufferingNewest(1024))
        loop.watch(pair) { [unowned loop] _ in
            while let message = try? pair.receive(dontWait: true) {
                guard message.frames.count == 2, message.frames[0].count == 6 else { continue }
                let header = message.frames[0]
                let kind = UInt16(header[0]) | UInt16(header[1]) << 8
                let value = header[2...5].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                let event = MonitorEvent(
                    kind: MonitorEvent.Kind(rawValue: kind), value: value,
                    endpoint: String(decoding: message.frames[1], as: UTF8.self))
                continuation.yield(event)
                if event.kind == .monitorStopped {
                    continuation.finish()
                    loop.unwatch(pair)
                    return
                }
            }
        }
        return stream
    }
}
