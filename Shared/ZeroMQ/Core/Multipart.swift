/// One ZeroMQ message: its frames, and — for a received message — the `User-Id` the ZAP authenticator gave its
/// sender (the peer's role), which a receiver trusts instead of anything the frames claim.
public struct Multipart: Sendable, Equatable {
    /// The frames, in order.
    public var frames: [[UInt8]]
    /// The sender's `User-Id` (its role), set by the ZAP handler during the CURVE handshake; nil for sent messages
    /// and for peers not authenticated through ZAP (inproc).
    public internal(set) var userID: String?

    public init(_ frames: [[UInt8]]) {
        self.frames = frames
        self.userID = nil
    }

    public init(_ frames: [UInt8]...) {
        self.init(frames)
    }

    /// Frames made of UTF-8 text.
    public init(strings: [String]) {
        self.init(strings.map { Array($0.utf8) })
    }

    /// Total bytes of all frames.
    public var byteCount: Int { frames.reduce(0) { $0 + $1.count } }
}
