/// Lower-case hexadecimal, two digits per byte: how digests, MACs and keys are written in files, headers and logs.
/// (`String(format: "%02x")` per byte goes through Foundation's formatter: the tracker hashed three history entries per
/// report that way, 32 calls each.)
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
