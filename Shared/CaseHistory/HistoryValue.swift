import JSONFiles

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
    /// A JSON string in its one form (``JSONString``): only `"`, `\` and the control characters are escaped.
    public func writeJSON(to bytes: inout [UInt8]) {
        JSONString.append(self, to: &bytes)
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
