import CZeroMQ

/// One event of a socket's life, as `zmq_socket_monitor` reports it: connections, handshakes, disconnections.
public struct MonitorEvent: Sendable, Equatable, CustomStringConvertible {
    /// Which events to watch, and which one happened.
    public struct Kind: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        public static let connected = Kind(rawValue: UInt16(ZMQ_EVENT_CONNECTED))
        public static let connectDelayed = Kind(rawValue: UInt16(ZMQ_EVENT_CONNECT_DELAYED))
        public static let connectRetried = Kind(rawValue: UInt16(ZMQ_EVENT_CONNECT_RETRIED))
        public static let listening = Kind(rawValue: UInt16(ZMQ_EVENT_LISTENING))
        public static let bindFailed = Kind(rawValue: UInt16(ZMQ_EVENT_BIND_FAILED))
        public static let accepted = Kind(rawValue: UInt16(ZMQ_EVENT_ACCEPTED))
        public static let acceptFailed = Kind(rawValue: UInt16(ZMQ_EVENT_ACCEPT_FAILED))
        public static let closed = Kind(rawValue: UInt16(ZMQ_EVENT_CLOSED))
        public static let closeFailed = Kind(rawValue: UInt16(ZMQ_EVENT_CLOSE_FAILED))
        public static let disconnected = Kind(rawValue: UInt16(ZMQ_EVENT_DISCONNECTED))
        public static let monitorStopped = Kind(rawValue: UInt16(ZMQ_EVENT_MONITOR_STOPPED))
        public static let handshakeFailedNoDetail = Kind(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL))
        public static let handshakeSucceeded = Kind(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_SUCCEEDED))
        public static let handshakeFailedProtocol = Kind(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
        public static let handshakeFailedAuth = Kind(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))

        public static let all = Kind(rawValue: UInt16(ZMQ_EVENT_ALL))
        /// Every way a handshake can fail.
        public static let handshakeFailures: Kind = [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth]
    }

    public let kind: Kind
    /// The event's value: a file descriptor, a retry interval, a ZAP status code (auth failures) or a
    /// `ZMQ_PROTOCOL_ERROR_*` code (protocol failures).
    public let value: UInt32
    /// The endpoint concerned (the peer's address for accepted connections).
    public let endpoint: String

    public init(kind: Kind, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    public var isHandshakeFailure: Bool { !kind.isDisjoint(with: .handshakeFailures) }

    public var description: String {
        switch kind {
        case .handshakeFailedAuth: "handshake refused by ZAP (status \(value)) on \(endpoint)"
        case .handshakeFailedProtocol: "handshake failed: \(Self.protocolErrorName(value)) on \(endpoint)"
        case .handshakeFailedNoDetail: "handshake failed (no detail, errno \(value)) on \(endpoint)"
        case .handshakeSucceeded: "handshake succeeded on \(endpoint)"
        case .accepted: "accepted a connection on \(endpoint)"
        case .connected: "connected to \(endpoint)"
        case .disconnected: "disconnected from \(endpoint)"
        case .listening: "listening on \(endpoint)"
        case .closed: "closed \(endpoint)"
        default: "event 0x\(String(kind.rawValue, radix: 16)) (value \(value)) on \(endpoint)"
        }
    }

    static func protocolErrorName(_ code: UInt32) -> String {
        switch Int32(bitPattern: code) {
        case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: "security mechanism mismatch (a peer without CURVE?)"
        case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: "cryptographic error (wrong server key?)"
        case ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE: "key exchange failed"
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO: "malformed HELLO"
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE: "malformed INITIATE"
        case ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND: "unexpected command"
        case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE: "invalid sequence"
        case ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED: "ZAP failure"
        default: "protocol error 0x\(String(code, radix: 16))"
        }
    }
}
