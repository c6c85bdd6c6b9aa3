import CZeroMQ
import Logging
import Synchronization

/// The process's ZAP handler (ZeroMQ RFC 27): libzmq asks it about every CURVE handshake, and it answers from the
/// allow-list of the endpoint's domain. Default deny: an unknown domain, an unlisted key, or any mechanism but
/// CURVE is refused, and the refusal is logged with the key's fingerprint.
///
/// ``ZMQContext`` starts one before it makes any socket, and ``ZMQSocket/makeCurveServer(keyPair:allowList:)``
/// registers with it, so no CURVE server made through this API ever runs without it.
public final class ZAPAuthenticator: Sendable {
    static let endpoint = "inproc://zeromq.zap.01"

    private let loop: PollLoop
    private let state = Mutex(State())
    private let logger: Logger
    private let refusalCount = Atomic<Int>(0)

    private struct State {
        var domains: [String: AllowList] = [:]
        var nextDomain = 1
        var running = true
    }

    /// One handshake's verdict.
    struct Decision: Sendable {
        let domain: String
        let mechanism: String
        let key: CurvePublicKey?
        /// The role granted, or nil when refused.
        let role: String?
        let reason: String
    }

    init(contextHandle: UnsafeMutableRawPointer, logger: Logger) throws {
        self.logger = logger
        let socket = try ZMQSocket(contextHandle: contextHandle, type: .rep, owner: nil)
        try socket.bind(Self.endpoint)
        let loop = PollLoop(name: "zap")
        self.loop = loop
        nonisolated(unsafe) let owned = socket  // handed to the loop thread, never used here again
        loop.execute { [self] in
            loop.watch(owned) { [self] _ in answer(on: owned) }
        }
    }

    /// How many handshakes have been refused since the process started.
    public var refusals: Int { refusalCount.load(ordering: .relaxed) }

    /// Registers an allow-list under a new ZAP domain and returns the domain.
    func register(_ allowList: AllowList) throws -> String {
        try state.withLock { state in
            guard state.running else {
                throw ZMQError(.authenticatorNotRunning, "the ZAP authenticator has stopped; no CURVE server may start")
            }
            let domain = "iblagh-\(state.nextDomain)"
            state.nextDomain += 1
            state.domains[domain] = allowList
            return domain
        }
    }

    func replace(domain: String, with allowList: AllowList) {
        state.withLock { $0.domains[domain] = allowList }
    }

    func unregister(domain: String) {
        _ = state.withLock { $0.domains.removeValue(forKey: domain) }
    }

    /// Stops answering. Only the context calls this, from its deinit, when every socket it made is already closed:
    /// libzmq lets CURVE handshakes through when no handler is bound, so the handler must outlive every socket.
    func stop() {
        state.withLock { $0.running = false; $0.domains.removeAll() }
        loop.stop()
    }

    private func answer(on socket: ZMQSocket) {
        while let request = try? socket.receive(dontWait: true) {
            let frames = request.frames
            guard frames.count >= 6, frames[0] == Array("1.0".utf8) else {
                logger.error("malformed ZAP request", metadata: ["frames": "\(frames.count)"])
                _ = try? socket.send(Multipart(strings: ["1.0", "", "500", "malformed request", "", ""]))
                continue
            }
            let decision = decide(frames)
            if decision.role == nil {
                refusalCount.add(1, ordering: .relaxed)
                logger.notice(
                    "CURVE handshake refused",
                    metadata: [
                        "domain": "\(decision.domain)", "mechanism": "\(decision.mechanism)",
                        "key": "\(decision.key?.fingerprint ?? "-")", "reason": "\(decision.reason)",
                    ])
            } else {
                logger.debug(
                    "CURVE handshake admitted",
                    metadata: ["domain": "\(decision.domain)", "key": "\(decision.key?.fingerprint ?? "-")", "role": "\(decision.role ?? "")"])
            }
            let reply = Multipart([
                frames[0], frames[1],
                Array((decision.role == nil ? "400" : "200").utf8),
                Array(decision.reason.utf8),
                Array((decision.role ?? "").utf8),
                [],
            ])
            _ = try? socket.send(reply)
        }
    }

    private func decide(_ frames: [[UInt8]]) -> Decision {
        let domain = String(decoding: frames[2], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        guard mechanism == "CURVE", frames.count == 7, let key = try? CurvePublicKey(bytes: frames[6]) else {
            return Decision(domain: domain, mechanism: mechanism, key: nil, role: nil, reason: "only CURVE is accepted")
        }
        guard let allowList = state.withLock({ $0.domains[domain] }) else {
            return Decision(domain: domain, mechanism: mechanism, key: key, role: nil, reason: "unknown domain")
        }
        guard let role = allowList.role(of: key) else {
            return Decision(domain: domain, mechanism: mechanism, key: key, role: nil, reason: "key not allowed")
        }
        return Decision(domain: domain, mechanism: mechanism, key: key, role: role, reason: "OK")
    }
}
