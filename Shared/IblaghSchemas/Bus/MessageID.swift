import Hexadecimal

/// Ids for envelopes that need only be unique: replies, console events, requests.
public enum MessageID {
    /// A new id: 128 bits, as 32 hex digits, from the per-process generator that makes trace ids. Foundation's
    /// `UUID()` opens and closes `/dev/urandom` on every call on Linux: two system calls on every reply.
    public static func unique() -> String {
        Hex.string(TraceParent.bytes(of: [TraceParent.nextWord(), TraceParent.nextWord()]))
    }
}
