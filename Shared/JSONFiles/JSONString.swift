import Hexadecimal

/// Text as a JSON string, in one form: only `"`, `\` and the control characters are escaped (`\n`, `\r`, `\t`, the
/// others as `\u00XX`), and everything else is copied as UTF-8. The case history's canonical JSON, whose hash chain
/// depends on this form byte for byte, and the services' JSON log lines both write their strings through it.
public enum JSONString {
    /// Appends `text`, quoted and escaped. Every byte of a multi-byte character is 0x80 or above, so the text is copied
    /// a run at a time between the bytes that need an escape.
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
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
