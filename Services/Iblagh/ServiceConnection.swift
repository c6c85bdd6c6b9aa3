import Foundation
import IblaghSchemas
import Synchronization
import ZeroMQ

/// The tool's connection to one service's request endpoint (intake's bus, the tracker's commands, a notifier's
/// consoles), with the user's certificate. A request is answered, or refused at the handshake, or not answered at
/// all, and the tool says which: a certificate the service does not admit used to wait out the whole timeout and end
/// in "no answer", since libzmq gives such a connection up without a word.
final class ServiceConnection: Sendable {
    let bus: AsyncSocket
    let endpoint: String
    /// The connection's events (connections, handshakes, disconnections), for a command that keeps watching.
    let events: AsyncStream<MonitorEvent>
    private let certificate: String
    private let failure = Mutex<MonitorEvent?>(nil)

    /// Connects to `endpoint` as the holder of the secret certificate `certificate`, to the service whose public
    /// certificate is `serverKey`.
    init(endpoint: String, certificate: String, serverKey: String, name: String, configure: (ZMQSocket) throws -> Void = { _ in }) async throws {
        let socket = try ZMQContext().socket(.dealer)
        try socket.makeCurveClient(keyPair: try CurveCertificate.loadKeyPair(secretFile: certificate), serverKey: try CurveCertificate.loadPublicKey(file: serverKey))
        try socket.setLinger(.zero)
        try configure(socket)
        bus = await AsyncSocket(socket, loop: PollLoop(name: name))
        self.endpoint = endpoint
        self.certificate = certificate
        // Watched before connecting, so no refusal comes unseen.
        let monitored = try await bus.monitor([.handshakeFailures, .handshakeSucceeded, .connected, .disconnected])
        let (events, continuation) = AsyncStream.makeStream(of: MonitorEvent.self, bufferingPolicy: .bufferingNewest(64))
        self.events = events
        Task { [weak self] in
            for await event in monitored {
                if event.isHandshakeFailure { self?.failure.withLock { $0 = $0 ?? event } }
                continuation.yield(event)
            }
            continuation.finish()
        }
        try await bus.withSocket { try $0.connect(endpoint) }
    }

    /// Sends `request` and waits up to `timeout` for the envelope `isAnswer` accepts (other messages, such as a
    /// console's pushed cases, are skipped); nil when none came. Throws at once when the service refused the handshake,
    /// and when its answer is an `ErrorReply` (the request refused: its reason).
    func request(
        _ request: Iblagh_V1_Envelope, within timeout: Duration, isAnswer: (Iblagh_V1_Envelope) -> Bool = { _ in true }
    ) async throws -> Iblagh_V1_Envelope? {
        let deadline = ContinuousClock.now + timeout
        // Within the deadline too, and watching for a refusal: a send waits when the connection has no room (its
        // pipe gone between a refused handshake and the next try), and an unbounded wait there could outlast the
        // timeout with the refusal already known.
        while try await !bus.trySend(Multipart([request.frame])) {
            if let refused = failure.withLock({ $0 }) { throw CommandFailure(words(refused)) }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        while ContinuousClock.now < deadline {
            if let refused = failure.withLock({ $0 }) { throw CommandFailure(words(refused)) }
            guard let message = try await bus.receive(before: min(deadline, .now + .milliseconds(200))) else { continue }
            guard let reply = try? Iblagh_V1_Envelope(frame: message.frames.last ?? []) else { continue }
            guard isAnswer(reply) else { continue }
            if reply.type == .errorReply { throw CommandFailure("refused: \((try? reply.payload(as: Iblagh_V1_ErrorReply.self))?.reason ?? "no reason given")") }
            return reply
        }
        if let refused = failure.withLock({ $0 }) { throw CommandFailure(words(refused)) }
        return nil
    }

    func close() async {
        await bus.close()
    }

    /// What a failed handshake means for the person at the keyboard.
    func words(_ event: MonitorEvent) -> String {
        let publicFile = CurveCertificate.publicFile(of: certificate) ?? "the public half of \(certificate)"
        return event.kind == .handshakeFailedAuth
            ? "\(endpoint) refused this certificate: is \(publicFile) in the service's allow-list, with the role this command needs?"
            : "the handshake with \(endpoint) failed (\(event)): is --server-key the public certificate of the service at that endpoint?"
    }
}
