/// The frames of the dispatch protocol (PROTOCOL.md §4): a command word, then its body.
enum HopFrame {
    static let credit = Array("CREDIT".utf8)
    static let deliver = Array("DELIVER".utf8)
    static let ack = Array("ACK".utf8)
    static let nack = Array("NACK".utf8)
    static let error = Array("ERROR".utf8)
    static let epoch = Array("EPOCH".utf8)
}
