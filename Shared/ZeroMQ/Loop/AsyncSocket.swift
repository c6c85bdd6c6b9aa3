import DequeModule

/// A socket owned by a ``PollLoop``, for async code: `send` waits for room instead of blocking a thread, and
/// `receive` waits for a message. Receiving is pull-based, so a slow reader leaves messages in libzmq's queue,
/// where the high-water mark pushes back on the sender, instead of piling them up in memory here.
public actor AsyncSocket {
    public nonisolated let loop: PollLoop
    private let socket: ZMQSocket
    private var receivers = Deque<(id: Int, continuation: CheckedContinuation<Multipart, Error>)>()
    private var senders = Deque<(id: Int, message: Multipart, continuation: CheckedContinuation<Void, Error>)>()
    private var nextWaiter = 0
    private var closed = false

    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    /// Takes ownership of `socket`, which from now on is used only on `loop`.
    public init(_ socket: sending ZMQSocket, loop: PollLoop) async {
        self.loop = loop
        self.socket = socket
        loop.watch(socket, events: []) { [unowned self] events in
            assumeIsolated { $0.socketReady(events) }
        }
    }

    /// Runs `body` with the socket, on its loop: for configuration and synchronous work.
    public func withSocket<T: Sendable>(_ body: (ZMQSocket) throws -> T) throws -> T {
        try requireOpen()
        return try body(socket)
    }

    /// Sends `message`, waiting while the socket's queue is full. Messages are sent in call order. A cancelled
    /// wait throws `CancellationError` and the message is not sent.
    ///
    /// A socket with no peer to send to waits too — including a CURVE client whose handshake was refused, since
    /// libzmq then drops the connection for good. Bound the wait (cancel the task) where that can happen.
    public func send(_ message: Multipart) async throws {
        try requireOpen()
        if senders.isEmpty, try socket.send(message, dontWait: true) { return }
        let id = newWaiterID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                senders.append((id, message, continuation))
                updateInterest()
            }
        } onCancel: {
            cancelWaiterSoon(id)
        }
    }

    /// Sends `messages` in order, waiting for room as needed: one hop to the loop for the whole batch, which is
    /// what makes the async path fast (a hop costs far more than a send).
    public func send(contentsOf messages: [Multipart]) async throws {
        for message in messages { try await send(message) }
    }

    /// How many sends are waiting for room (the socket's queue is full).
    public var waitingSends: Int { senders.count }

    /// Sends `message` only if the socket can take it now; false when it cannot.
    public func trySend(_ message: Multipart) throws -> Bool {
        try requireOpen()
        guard senders.isEmpty else { return false }
        return try socket.send(message, dontWait: true)
    }

    /// The next message, waiting for one to arrive.
    public func receive() async throws -> Multipart {
        try requireOpen()
        if receivers.isEmpty, let message = try socket.receive(dontWait: true) { return message }
        let id = newWaiterID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                receivers.append((id, continuation))
                updateInterest()
            }
        } onCancel: {
            cancelWaiterSoon(id)
        }
    }

    /// The next message, or nil when none arrives before `deadline` (the wait is cancelled, nothing is lost).
    public nonisolated func receive(before deadline: ContinuousClock.Instant) async throws -> Multipart? {
        try await withThrowingTaskGroup(of: Multipart?.self) { group in
            group.addTask { try await self.receive() }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            if first != nil { return first }
            // The deadline came first, but the receive may have been handed a message just before it was cancelled:
            // that message is returned, never dropped with the cancelled task.
            while let next = try? await group.next() {
                if let message = next { return message }
            }
            return nil
        }
    }

    /// Waits for at least one message, then returns every message already waiting, up to `limit`, in one hop.
    public func receive(upTo limit: Int) async throws -> [Multipart] {
        precondition(limit > 0, "receive(upTo:) needs a positive limit")
        var batch = [try await receive()]
        while batch.count < limit, let message = try socket.receive(dontWait: true) { batch.append(message) }
        return batch
    }

    /// Every message, as they arrive, until the socket is closed or the reading task is cancelled.
    public nonisolated var messages: AsyncThrowingStream<Multipart, Error> {
        AsyncThrowingStream { [self] in try await receive() }
    }

    /// The socket's events (connections, handshakes, failures) as a stream; see ``SocketMonitor``.
    public func monitor(_ kinds: MonitorEvent.Kind = .all) throws -> AsyncStream<MonitorEvent> {
        try requireOpen()
        return try SocketMonitor.start(socket, on: loop, kinds: kinds)
    }

    /// Closes the socket; waiting senders and receivers get ``ZMQError/Code-swift.struct/loopStopped``.
    public func close() {
        guard !closed else { return }
        closed = true
        loop.unwatch(socket)
        let error = ZMQError(.loopStopped, "the socket was closed")
        while let receiver = receivers.popFirst() { receiver.continuation.resume(throwing: error) }
        while let sender = senders.popFirst() { sender.continuation.resume(throwing: error) }
    }

    private func newWaiterID() -> Int {
        nextWaiter += 1
        return nextWaiter
    }

    /// Called from a cancellation handler, on any thread: hops to the loop to cancel the wait.
    private nonisolated func cancelWaiterSoon(_ id: Int) {
        loop.execute { [self] in
            assumeIsolated { socket in socket.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        if let index = receivers.firstIndex(where: { $0.id == id }) {
            receivers.remove(at: index).continuation.resume(throwing: CancellationError())
        }
        if let index = senders.firstIndex(where: { $0.id == id }) {
            senders.remove(at: index).continuation.resume(throwing: CancellationError())
        }
        updateInterest()
    }

    private func socketReady(_ events: PollEvents) {
        do {
            while let sender = senders.first {
                guard try socket.send(sender.message, dontWait: true) else { break }
                senders.removeFirst().continuation.resume()
            }
        } catch {
            senders.popFirst()?.continuation.resume(throwing: error)
        }
        do {
            while !receivers.isEmpty, let message = try socket.receive(dontWait: true) {
                receivers.removeFirst().continuation.resume(returning: message)
            }
        } catch {
            receivers.popFirst()?.continuation.resume(throwing: error)
        }
        updateInterest()
    }

    private func updateInterest() {
        var events: PollEvents = []
        if !receivers.isEmpty { events.insert(.readable) }
        if !senders.isEmpty { events.insert(.writable) }
        loop.setEvents(events, for: socket)
    }

    private func requireOpen() throws {
        if closed { throw ZMQError(.loopStopped, "the socket was closed") }
    }
}
