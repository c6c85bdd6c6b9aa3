/// The frames of the dispatch protocol (PROTOCOL.md §4): a command word, then its body.
enum HopFrame {
    static let credit = Array("CREDIT".utf8)
    static let deliver = Array("DELIVER".utf8)
    static let delivers = Array("DELIVERS".utf8)
    static let ack = Array("ACK".utf8)
    static let nack = Array("NACK".utf8)
    static let error = Array("ERROR".utf8)
    static let epoch = Array("EPOCH".utf8)
}

/// The body of a `DELIVERS` frame: several deliveries in one ZeroMQ frame. CURVE encrypts and authenticates each frame
/// on its own, so one frame for many messages costs one box instead of four per message — the hop's largest saving.
///
/// Each delivery: its tag (8 bytes, big-endian), the message id's length (2 bytes) and bytes, the envelope's length
/// (4 bytes) and bytes; deliveries follow each other to the end of the frame.
enum PackedDeliveries {
    /// The largest body a producer packs before starting another frame.
    static let targetBytes = 256 * 1024

    struct Entry {
        let tag: UInt64
        let messageID: String
        let envelope: [UInt8]
    }

    static func append(tag: UInt64, messageID: String, envelope: [UInt8], to body: inout [UInt8]) {
        withUnsafeBytes(of: tag.bigEndian) { body.append(contentsOf: $0) }
        let id = Array(messageID.utf8)
        withUnsafeBytes(of: UInt16(id.count).bigEndian) { body.append(contentsOf: $0) }
        body.append(contentsOf: id)
        withUnsafeBytes(of: UInt32(envelope.count).bigEndian) { body.append(contentsOf: $0) }
        body.append(contentsOf: envelope)
    }

    /// The deliveries in `body`, or nil when it is not a well-formed sequence of them (a truncated or padded body, an
    /// empty or non-UTF-8 message id).
    static func decode(_ body: [UInt8]) -> [Entry]? {
        var entries: [Entry] = []
        var offset = 0
        func integer(_ width: Int) -> UInt64? {
            guard body.count - offset >= width else { return nil }
            defer { offset += width }
            return body[offset..<offset + width].reduce(0) { $0 << 8 | UInt64($1) }
        }
        while offset < body.count {
            guard let tag = integer(8), let idLength = integer(2).map(Int.init), body.count - offset >= idLength,
                let id = String(validating: body[offset..<offset + idLength], as: UTF8.self), !id.isEmpty
            else { return nil }
            offset += idLength
            guard let envelopeLength = integer(4).map(Int.init), body.count - offset >= envelopeLength else { return nil }
            entries.append(Entry(tag: tag, messageID: id, envelope: Array(body[offset..<offset + envelopeLength])))
            offset += envelopeLength
        }
        return entries.isEmpty ? nil : entries
    }
}
