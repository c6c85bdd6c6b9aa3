import Hexadecimal

/// What a history entry's body may hold: text, a flag, an integer, a list of these, or a body within the body. The
/// compiler refuses anything else — a date is written as text first, and nothing in a case's record is a fraction —
/// so every body has one JSON form (``CanonicalJSON``), which the hash chain needs.
public protocol HistoryValue: Sendable {
    /// Appends the value's canonical JSON as UTF-8.
    func writeJSON(to bytes: inout [UInt8])
}

/// A history entry's body: names to values, written with its names sorted.
public typealias HistoryBody = [String: any HistoryValue]

extension String: HistoryValue {
    /// A JSON string: only `"`, `\` and the control characters are escaped; every byte of a multi-byte character is
    /// 0x80 or above, so the rest is copied as it is, a run at a time.
    public func writeJSON(to bytes: inout [UInt8]) {
        var text = self
        text.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var run = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                switch byte {
                case UInt8(ascii: "\n"): bytes += #"\n"#.utf8
                case UInt8(ascii: "\r"): bytes += #"\r"#.utf8
                case UInt8(ascii: "\t"): bytes += #"\t"#.utf8
                case ..<0x20: bytes += "\\u00\(Hex.string(CollectionOfOne(byte)))".utf8
                default: bytes += [UInt8(ascii: "\\"), byte]
                }
                run = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }
}

extension Bool: HistoryValue {
    public func writeJSON(to bytes: inout [UInt8]) { bytes += (self ? "true" : "false").utf8 }
}

extension HistoryValue where Self: BinaryInteger {
    public func writeJSON(to bytes: inout [UInt8]) { bytes += String(self).utf8 }
}

extension Int: HistoryValue {}
extension Int32: HistoryValue {}
extension Int64: HistoryValue {}
extension UInt32: HistoryValue {}
extension UInt64: HistoryValue {}

extension Array: HistoryValue where Element: HistoryValue {
    public func writeJSON(to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (index, item) in enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            item.writeJSON(to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

extension Dictionary: HistoryValue where Key == String, Value == any HistoryValue {
    public func writeJSON(to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, entry) in sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            entry.key.writeJSON(to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            entry.value.writeJSON(to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
