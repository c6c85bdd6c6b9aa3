import CZeroMQ

/// An error from libzmq or from the rules our wrapper adds on top of it; carries errno and libzmq's own text.
public struct ZMQError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// libzmq returned an error; `errno` says which.
        public static let system = Code(name: "system")
        /// The linked libzmq is too old or lacks CURVE.
        public static let unsupportedLibrary = Code(name: "unsupportedLibrary")
        /// A TCP or IPC endpoint was bound or connected without CURVE configured on the socket.
        public static let plaintextTransport = Code(name: "plaintextTransport")
        /// A CURVE key is not 32 bytes or not valid Z85 text.
        public static let invalidKey = Code(name: "invalidKey")
        /// A certificate file is missing, unreadable, malformed, or too widely readable.
        public static let invalidCertificate = Code(name: "invalidCertificate")
        /// The ZAP authenticator is not running, so no CURVE server may be configured.
        public static let authenticatorNotRunning = Code(name: "authenticatorNotRunning")
        /// The poll loop that owns the socket has stopped.
        public static let loopStopped = Code(name: "loopStopped")
    }

    public let code: Code
    /// The errno libzmq reported (0 when the failure is ours, not libzmq's).
    public let errno: Int32
    /// A sentence naming what failed and why; never contains message contents.
    public let message: String

    public init(_ code: Code, errno: Int32 = 0, _ message: String) {
        self.code = code
        self.errno = errno
        self.message = message
    }

    /// The error libzmq just reported for `operation`, with its errno and text.
    static func last(_ operation: String) -> ZMQError {
        let number = zmq_errno()
        return ZMQError(.system, errno: number, "\(operation): \(String(cString: zmq_strerror(number))) (errno \(number))")
    }

    public var description: String { message }

    /// The socket could not take the message now (a full queue with a non-blocking send, or nothing to receive).
    public var isWouldBlock: Bool { code == .system && errno == EAGAIN }
    /// ROUTER_MANDATORY refused a message to a peer that is not connected.
    public var isHostUnreachable: Bool { code == .system && errno == EHOSTUNREACH }
}
