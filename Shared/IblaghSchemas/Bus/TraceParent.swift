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

    /// Words from the generator as bytes: what trace ids and ``MessageID`` are made of.
    static func bytes(of words: [UInt64]) -> [UInt8] {
        words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }
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
            let trace = Self.hex(parts[1]), let parent = Self.hex(parts[2]), let flags = Self.hex(parts[3]),
            trace.contains(where: { $0 != 0 }), parent.contains(where: { $0 != 0 })
        else { return nil }
        self.init(traceID: trace, parentID: parent, sampled: flags[0] & 1 == 1)
    }

    public var description: String {
        "00-\(Self.hex(traceID))-\(Self.hex(parentID))-\(sampled ? "01" : "00")"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func hex(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16),
                digits[index...index + 1].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
