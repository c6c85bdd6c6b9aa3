/// The history's body text: JSON with keys sorted, no spaces, and only strings, booleans, integers, floating-point
/// numbers, arrays, objects and null — the same text for the same body on every run, which the hash chain needs.
/// (JSONSerialization did this through Foundation's dynamic casts and ICU's collation for the key order: a visible
/// share of the tracker's time per report.)
public enum CanonicalJSON {
    public struct UnsupportedValue: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ object: [String: Any]) throws -> String {
        var text = ""
        try write(object, to: &text)
        return text
    }

    private static func write(_ value: Any, to text: inout String) throws {
        switch value {
        case let string as String: quote(string, to: &text)
        case let flag as Bool: text += flag ? "true" : "false"
        case let number as any BinaryInteger: text += String(describing: number)
        case let number as Double:
            guard number.isFinite else { throw UnsupportedValue(description: "a history body holds a non-finite number") }
            text += number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case let list as [Any]:
            text += "["
            for (index, item) in list.enumerated() {
                if index > 0 { text += "," }
                try write(item, to: &text)
            }
            text += "]"
        case let object as [String: Any]:
            text += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                quote(key, to: &text)
                text += ":"
                try write(object[key]!, to: &text)
            }
            text += "}"
        case Optional<Any>.none: text += "null"
        default: throw UnsupportedValue(description: "a history body holds a \(type(of: value)), which has no JSON form here")
        }
    }

    private static func quote(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
