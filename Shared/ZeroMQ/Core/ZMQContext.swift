import CZeroMQ
import Logging

/// A libzmq context with its ZAP authenticator: create one per process.
///
/// Creating the context checks libzmq (``ZMQLibrary/requireSupported()``) and starts the authenticator before any
/// socket exists, so no CURVE server socket made from this context can ever run without one.
public final class ZMQContext: Sendable {
    // libzmq contexts are thread-safe; the pointer is never reassigned.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer
    /// The process's ZAP handler; CURVE server sockets register their allow-lists with it.
    public let authenticator: ZAPAuthenticator

    /// - Parameters:
    ///   - ioThreads: libzmq I/O threads (CURVE encryption runs on them); one per ~1 Gb/s of traffic.
    ///   - logger: where the authenticator logs refused handshakes (public-key fingerprints, never payloads).
    public init(ioThreads: Int32 = 1, logger: Logger = Logger(label: "iblagh.zmq")) throws {
        try ZMQLibrary.requireSupported()
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
        // An inproc pair of sockets would block termination if a peer lingers; we close every socket with LINGER 0
        // unless told otherwise, so termination is prompt.
        self.handle = handle
        do {
            self.authenticator = try ZAPAuthenticator(contextHandle: handle, logger: logger)
        } catch {
            zmq_ctx_term(handle)
            throw error
        }
    }

    deinit {
        authenticator.stop()
        // Sockets keep their context alive, so by now every socket made from it is closed.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// A new socket of `type`; it belongs to the thread that uses it (see ``PollLoop``).
    public func socket(_ type: SocketType) throws -> ZMQSocket {
        try ZMQSocket(context: self, type: type)
    }
}
