import CZeroMQ

/// The socket options Iblagh relies on, typed.
extension ZMQSocket {
    /// How long unsent messages are kept after close (nil: until sent). Our default is 0, because durability lives
    /// in the database, never in a socket queue.
    public func setLinger(_ limit: Duration?) throws {
        try setOption(ZMQ_LINGER, limit.map { Int32(clamping: $0.milliseconds) } ?? -1)
    }

    /// How long a blocking receive waits before it fails with a would-block error (nil: for ever). For a socket driven
    /// by a thread of its own rather than a ``PollLoop`` (the benchmarks' load generators).
    public func setReceiveTimeout(_ limit: Duration?) throws {
        try setOption(ZMQ_RCVTIMEO, limit.map { Int32(clamping: max(0, $0.milliseconds)) } ?? -1)
    }

    /// Queue messages only to completed connections, so a send never waits in a pipe to a peer that may not exist.
    public func setImmediate(_ on: Bool) throws { try setOption(ZMQ_IMMEDIATE, Int32(on ? 1 : 0)) }

    /// A ROUTER fails a send to an unknown or gone peer (EHOSTUNREACH) instead of dropping it silently.
    public func setRouterMandatory(_ on: Bool) throws { try setOption(ZMQ_ROUTER_MANDATORY, Int32(on ? 1 : 0)) }

    /// The largest inbound frame accepted, in payload bytes; a peer that sends a larger one is disconnected
    /// (the message is never delivered). -1: no limit.
    ///
    /// libzmq checks the limit against the frame on the wire, which CURVE wraps in a MESSAGE command 33 bytes
    /// longer than the payload; this adds that overhead, so the limit means what a caller expects.
    public func setMaxMessageSize(_ payloadBytes: Int64) throws {
        let wireBytes = payloadBytes < 0 ? -1 : payloadBytes + Self.curveMessageOverhead
        try setOption(ZMQ_MAXMSGSIZE, wireBytes)
    }

    /// "\u{7}MESSAGE" (8) + short nonce (8) + flags (1) + Poly1305 tag (16).
    static let curveMessageOverhead: Int64 = 33

    /// Messages queued per peer before sends block (or fail with `dontWait`); 0 means no limit.
    public func setSendHighWaterMark(_ messages: Int32) throws { try setOption(ZMQ_SNDHWM, messages) }

    /// Messages queued per peer on the receiving side; 0 means no limit.
    public func setReceiveHighWaterMark(_ messages: Int32) throws { try setOption(ZMQ_RCVHWM, messages) }

    /// ZMTP heartbeats: send a PING every `interval`; drop the connection when nothing arrives within `timeout`;
    /// ask the peer to drop us after `ttl` of silence.
    public func setHeartbeat(interval: Duration, timeout: Duration, ttl: Duration? = nil) throws {
        try setOption(ZMQ_HEARTBEAT_IVL, Int32(clamping: interval.milliseconds))
        try setOption(ZMQ_HEARTBEAT_TIMEOUT, Int32(clamping: timeout.milliseconds))
        if let ttl { try setOption(ZMQ_HEARTBEAT_TTL, Int32(clamping: ttl.milliseconds)) }
    }

    /// The identity a DEALER presents to a ROUTER (must be set before connecting).
    public func setRoutingID(_ id: [UInt8]) throws { try setOption(ZMQ_ROUTING_ID, id) }

    /// Subscribe a SUB socket to messages starting with `prefix` (empty: everything).
    public func subscribe(_ prefix: [UInt8] = []) throws { try setOption(ZMQ_SUBSCRIBE, prefix) }

    /// The endpoint last bound, with the port libzmq chose for a wildcard.
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return "" }
        return String(nulTerminated: buffer)
    }

    // MARK: Raw access, for options not typed above

    public func setOption(_ name: Int32, _ value: Int32) throws {
        var value = value
        guard zmq_setsockopt(handle, name, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("setsockopt \(name)")
        }
    }

    public func setOption(_ name: Int32, _ value: Int64) throws {
        var value = value
        guard zmq_setsockopt(handle, name, &value, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError.last("setsockopt \(name)")
        }
    }

    public func setOption(_ name: Int32, _ value: [UInt8]) throws {
        let rc = value.withUnsafeBytes { zmq_setsockopt(handle, name, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError.last("setsockopt \(name)") }
    }

    public func option(_ name: Int32) throws -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, name, &value, &size) == 0 else { throw ZMQError.last("getsockopt \(name)") }
        return value
    }

    public func option(_ name: Int32) throws -> Int64 {
        var value: Int64 = 0
        var size = MemoryLayout<Int64>.size
        guard zmq_getsockopt(handle, name, &value, &size) == 0 else { throw ZMQError.last("getsockopt \(name)") }
        return value
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
