import CZeroMQ
import Glibc

/// A libzmq socket that owns its handle and closes itself.
///
/// Not `Sendable`: a ZeroMQ socket belongs to one thread. Create it, configure it, then hand it to the
/// ``PollLoop`` (usually inside an actor that runs on that loop) that will use it from then on.
///
/// Security is not optional: binding or connecting a TCP or IPC endpoint throws unless the socket was made a
/// CURVE server (``makeCurveServer(keyPair:allowList:)``, which registers its allow-list with the context's ZAP
/// authenticator) or a CURVE client (``makeCurveClient(keyPair:serverKey:)``). Only `inproc://` runs in clear.
public final class ZMQSocket {
    /// How this socket authenticates and encrypts its TCP/IPC connections.
    public enum Security: Sendable, Equatable {
        case none
        case curveServer(domain: String)
        case curveClient(serverKey: CurvePublicKey)
    }

    public let type: SocketType
    public private(set) var security: Security = .none
    let handle: UnsafeMutableRawPointer
    /// The last `User-Id` read, by libzmq's pointer: the text lives with the connection's metadata, so messages
    /// from one peer share it and we build the Swift string once per peer, not once per message.
    private var cachedUserID: (pointer: UnsafePointer<CChar>, text: [CChar], value: String)?
    /// Keeps the context alive while the socket exists; nil only for the authenticator's own socket, which the
    /// context itself owns.
    private let context: ZMQContext?

    convenience init(context: ZMQContext, type: SocketType) throws {
        try self.init(contextHandle: context.handle, type: type, owner: context)
    }

    init(contextHandle: UnsafeMutableRawPointer, type: SocketType, owner: ZMQContext?) throws {
        guard let handle = zmq_socket(contextHandle, type.rawValue) else {
            throw ZMQError.last("zmq_socket(\(type))")
        }
        self.handle = handle
        self.context = owner
        self.type = type
        try setOption(ZMQ_LINGER, Int32(0))
    }

    deinit {
        if case .curveServer(let domain) = security {
            context?.authenticator.unregister(domain: domain)
        }
        zmq_close(handle)
    }

    /// The context this socket was made from (nil only for the authenticator's own socket).
    var owner: ZMQContext? { context }

    private var authenticator: ZAPAuthenticator {
        get throws {
            guard let context else {
                throw ZMQError(.authenticatorNotRunning, "the ZAP handler's own socket cannot be a CURVE server")
            }
            return context.authenticator
        }
    }

    // MARK: Endpoints

    /// Binds `endpoint` and returns the endpoint actually bound (with the port chosen for `tcp://host:*`).
    @discardableResult
    public func bind(_ endpoint: String) throws -> String {
        try requireSecurity(for: endpoint, operation: "bind")
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
        return lastEndpoint
    }

    /// Connects to `endpoint`; libzmq reconnects by itself when the peer goes away.
    public func connect(_ endpoint: String) throws {
        try requireSecurity(for: endpoint, operation: "connect")
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("connect \(endpoint)") }
    }

    public func disconnect(_ endpoint: String) throws {
        guard zmq_disconnect(handle, endpoint) == 0 else { throw ZMQError.last("disconnect \(endpoint)") }
    }

    public func unbind(_ endpoint: String) throws {
        guard zmq_unbind(handle, endpoint) == 0 else { throw ZMQError.last("unbind \(endpoint)") }
    }

    private func requireSecurity(for endpoint: String, operation: String) throws {
        if endpoint.hasPrefix("inproc://") { return }
        switch (security, operation) {
        case (.curveServer, "bind"), (.curveClient, "connect"): return
        case (.none, _):
            throw ZMQError(
                .plaintextTransport,
                "refusing to \(operation) \(endpoint) in clear: make the socket a CURVE server or client first")
        default:
            throw ZMQError(
                .plaintextTransport,
                "refusing to \(operation) \(endpoint): a CURVE server binds and a CURVE client connects")
        }
    }

    // MARK: CURVE

    /// How long a CURVE server waits for a connected peer to finish its handshake.
    public static let handshakeLimitMilliseconds = 5_000

    /// Makes this socket a CURVE server whose peers must hold a key in `allowList`; each peer's role becomes the
    /// `User-Id` of its messages. The allow-list is registered with the context's ZAP authenticator under a domain
    /// of this socket's own, so two endpoints in one process can admit different peers.
    public func makeCurveServer(keyPair: CurveKeyPair, allowList: AllowList) throws {
        guard security == .none else {
            throw ZMQError(.plaintextTransport, "the socket's CURVE role is already set")
        }
        let domain = try authenticator.register(allowList)
        do {
            try setOption(ZMQ_ZAP_DOMAIN, Array(domain.utf8))
            try setOption(ZMQ_CURVE_SERVER, Int32(1))
            try setOption(ZMQ_CURVE_SECRETKEY, keyPair.secretKey.bytes)
            // A peer that connects and never completes its handshake (a half-open or stalled intruder) is dropped
            // after this long, not libzmq's 30 s: a handshake on a working network takes milliseconds.
            try setOption(ZMQ_HANDSHAKE_IVL, Int32(Self.handshakeLimitMilliseconds))
        } catch {
            try authenticator.unregister(domain: domain)
            throw error
        }
        security = .curveServer(domain: domain)
    }

    /// Replaces the allow-list of this CURVE server (new handshakes see the change; live connections stay).
    public func updateAllowList(_ allowList: AllowList) throws {
        guard case .curveServer(let domain) = security else {
            throw ZMQError(.plaintextTransport, "updateAllowList on a socket that is not a CURVE server")
        }
        try authenticator.replace(domain: domain, with: allowList)
    }

    /// Makes this socket a CURVE client that accepts only a server holding `serverKey`.
    public func makeCurveClient(keyPair: CurveKeyPair, serverKey: CurvePublicKey) throws {
        guard security == .none else {
            throw ZMQError(.plaintextTransport, "the socket's CURVE role is already set")
        }
        try setOption(ZMQ_CURVE_SERVERKEY, serverKey.bytes)
        try setOption(ZMQ_CURVE_PUBLICKEY, keyPair.publicKey.bytes)
        try setOption(ZMQ_CURVE_SECRETKEY, keyPair.secretKey.bytes)
        security = .curveClient(serverKey: serverKey)
    }

    // MARK: Messages

    /// Sends every frame of `message` atomically. With `dontWait`, returns false instead of blocking when the
    /// socket cannot take it now (high-water mark reached, or no peer for IMMEDIATE sockets).
    @discardableResult
    public func send(_ message: Multipart, dontWait: Bool = false) throws -> Bool {
        let frames = message.frames
        let last = frames.count - 1
        precondition(last >= 0, "a ZeroMQ message has at least one frame")
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = index < last ? ZMQ_SNDMORE : 0
            if dontWait { flags |= ZMQ_DONTWAIT }
            let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if rc < 0 {
                // libzmq queues all frames of a message or none: only the first frame can see EAGAIN.
                if zmq_errno() == EAGAIN && dontWait && index == 0 { return false }
                throw ZMQError.last("send on \(type)")
            }
        }
        return true
    }

    /// Receives one whole message. With `dontWait`, returns nil when none is waiting.
    public func receive(dontWait: Bool = false) throws -> Multipart? {
        var frames: [[UInt8]] = []
        frames.reserveCapacity(4)
        var userID: String?
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        while true {
            if zmq_msg_recv(&message, handle, dontWait ? ZMQ_DONTWAIT : 0) < 0 {
                if zmq_errno() == EAGAIN && dontWait && frames.isEmpty { return nil }
                throw ZMQError.last("receive on \(type)")
            }
            let size = zmq_msg_size(&message)
            let data = zmq_msg_data(&message)
            frames.append([UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                if size > 0, let data { buffer.baseAddress!.update(from: data.assumingMemoryBound(to: UInt8.self), count: size) }
                count = size
            })
            // A ROUTER's routing-id frame carries no connection metadata; the first wire frame does.
            if userID == nil, let value = zmq_msg_gets(&message, "User-Id") {
                if let cached = cachedUserID, cached.pointer == value, strcmp(cached.text, value) == 0 {
                    userID = cached.value
                } else {
                    let text = Array(UnsafeBufferPointer(start: value, count: strlen(value) + 1))
                    let string = String(cString: value)
                    cachedUserID = (value, text, string)
                    userID = string
                }
            }
            if zmq_msg_more(&message) == 0 { break }
        }
        var result = Multipart(frames)
        result.userID = userID
        return result
    }

    /// Which of readable/writable the socket is now (ZMQ_EVENTS); level-triggered, unlike `ZMQ_FD`.
    public var events: PollEvents {
        (try? PollEvents(rawValue: Int16(truncatingIfNeeded: option(ZMQ_EVENTS) as Int32))) ?? []
    }
}
