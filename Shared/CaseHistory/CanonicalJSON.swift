/// The history's body text: JSON with keys sorted, no spaces, and only strings, booleans, integers, floating-point
/// numbers, arrays, objects and null — the same text for the same body on every run, which the hash chain needs.
/// (JSONSerialization did this through Foundation's dynamic casts and ICU's collation for the key order: a visible
/// share of the tracker's time per report.)
public enum CanonicalJSON {
    public struct UnsupportedValue: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ object: [String: Any]) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try write(object, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes UTF-8 bytes: appending to a `String` scalar by scalar was most of the encoder's time (the tracker
    /// writes a body for every event).
    private static func write(_ value: Any, to bytes: inout [UInt8]) throws {
        switch value {
        case let string as String: quote(string, to: &bytes)
        case let flag as Bool: bytes += flag ? Array("true".utf8) : Array("false".utf8)
        case let number as any BinaryInteger: bytes += String(describing: number).utf8
        case let number as Double:
            guard number.isFinite else { throw UnsupportedValue(description: "a history body holds a non-finite number") }
            bytes += (number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)).utf8
        case let list as [Any]:
            bytes.append(UInt8(ascii: "["))
            for (index, item) in list.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try write(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case let object as [String: Any]:
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                quote(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                try write(object[key]!, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        case Optional<Any>.none: bytes += "null".utf8
        default: throw UnsupportedValue(description: "a history body holds a \(type(of: value)), which has no JSON form here")
        }
    }

    /// A JSON string: only `"`, `\` and the control characters are escaped; every byte of a multi-byte character is
    /// 0x80 or above, so the rest is copied as it is.
    private static func quote(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += #"\""#.utf8
            case UInt8(ascii: "\\"): bytes += #"\\"#.utf8
            case UInt8(ascii: "\n"): bytes += #"\n"#.utf8
            case UInt8(ascii: "\r"): bytes += #"\r"#.utf8
            case UInt8(ascii: "\t"): bytes += #"\t"#.utf8
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += #"\u00"#.utf8
                bytes += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
