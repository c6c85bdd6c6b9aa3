/// Ids for envelopes that need only be unique: replies, console events, requests.
public enum MessageID {
    /// A new id: 128 bits, as 32 hex digits, from the per-process generator that makes trace ids. Foundation's
    /// `UUID()` opens and closes `/dev/urandom` on every call on Linux: two system calls on every reply.
    public static func unique() -> String {
        let words = (TraceParent.nextWord(), TraceParent.nextWord())
        return hex(words.0) + hex(words.1)
    }

    private static func hex(_ word: UInt64) -> String {
        let digits = String(word, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
