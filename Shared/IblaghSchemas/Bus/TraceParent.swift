import Hexadecimal
import Synchronization

/// A W3C Trace Context `traceparent` value (version 00), carried in every envelope so a report can be followed
/// across services.
public struct TraceParent: Sendable, Equatable, CustomStringConvertible {
    /// 16 bytes, not all zero.
    public let traceID: [UInt8]
    /// 8 bytes, not all zero: the span that sent the message.
    public let parentID: [UInt8]
    public let sampled: Bool

    /// A new trace.
    public static func random() -> TraceParent {
        let bytes = bytes(of: [nextWord(), nextWord() | 1, nextWord() | 1])
        return TraceParent(traceID: Array(bytes[0..<16]), parentID: Array(bytes[16..<24]), sampled: false)
    }

    /// SplitMix64 over a per-process random seed: unique, well-mixed ids without a getrandom(2) call per message
    /// (every envelope carries a new trace id). Trace ids need uniqueness, not secrecy.
    private static let state = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// Words from the generator as bytes: what trace ids and ``MessageID`` are made of. Written in place: every
    /// envelope makes one, and arrays built per word cost the producer of a hop more than the rest of its trace id.
    static func bytes(of words: [UInt64]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: words.count * 8) { buffer, count in
            for (index, word) in words.enumerated() {
                for shift in 0..<8 { buffer[index * 8 + shift] = UInt8(truncatingIfNeeded: word >> (shift * 8)) }
            }
            count = words.count * 8
        }
    }

    static func nextWord() -> UInt64 {
        var z = state.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A child span in the same trace: what a service puts on the messages it sends because of this one.
    public func child() -> TraceParent {
        TraceParent(traceID: traceID, parentID: TraceParent.random().parentID, sampled: sampled)
    }

    init(traceID: [UInt8], parentID: [UInt8], sampled: Bool) {
        self.traceID = traceID
        self.parentID = parentID
        self.sampled = sampled
    }

    /// Parses `00-<32 hex>-<16 hex>-<2 hex>`; nil when malformed or all-zero (the spec says: start a new trace).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            let trace = Hex.bytes(parts[1], lowercaseOnly: true), let parent = Hex.bytes(parts[2], lowercaseOnly: true),
            let flags = Hex.bytes(parts[3], lowercaseOnly: true),
            trace.contains(where: { $0 != 0 }), parent.contains(where: { $0 != 0 })
        else { return nil }
        self.init(traceID: trace, parentID: parent, sampled: flags[0] & 1 == 1)
    }

    /// `00-<trace id>-<parent id>-<flags>`, written into the string's own storage.
    public var description: String {
        String(unsafeUninitializedCapacity: 7 + 2 * (traceID.count + parentID.count)) { text in
            text[0] = 0x30
            text[1] = 0x30
            text[2] = 0x2D
            var at = Hex.write(traceID, into: text, at: 3)
            text[at] = 0x2D
            at = Hex.write(parentID, into: text, at: at + 1)
            text[at] = 0x2D
            text[at + 1] = 0x30
            text[at + 2] = sampled ? 0x31 : 0x30
            return at + 3
        }
    }
}
