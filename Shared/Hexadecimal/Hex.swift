/// Hexadecimal text, two digits per byte: how digests, MACs, keys and trace ids are written in files, headers, logs
/// and messages. One writer and one reader for the whole project, written for the hot paths: the tracker writes three
/// history digests per report, and every envelope carries a trace id.
public enum Hex {
    /// Lower-case digits for `bytes`, written into the string's own storage. Inlinable, so each caller gets it
    /// specialised for its collection: generic over a `Sequence` across the module boundary, the tracker spent as
    /// long writing its digests' digits as computing the digests.
    @inlinable
    public static func string(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { write(bytes, into: $0, at: 0) }
    }

    /// Writes the lower-case digits for `bytes` into `text` from `start` (room for two per byte); returns where they
    /// end. For text that holds more than digits, such as a trace id.
    @inlinable
    public static func write(_ bytes: some Collection<UInt8>, into text: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        var at = start
        for byte in bytes {
            text[at] = digit(byte >> 4)
            text[at + 1] = digit(byte & 0x0F)
            at += 2
        }
        return at
    }

    /// The bytes `text` writes, two digits per byte; nil for an odd length or anything but `0-9`, `a-f` — and `A-F`
    /// unless `lowercaseOnly` (W3C trace context, for one, allows only lower case).
    public static func bytes(_ text: some StringProtocol, lowercaseOnly: Bool = false) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(of: digits[index], lowercaseOnly: lowercaseOnly),
                let low = value(of: digits[index + 1], lowercaseOnly: lowercaseOnly)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// The lower-case digit of a value below 16.
    @usableFromInline
    static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x57 + value
    }

    private static func value(of digit: UInt8, lowercaseOnly: Bool) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x57
        case 0x41...0x46 where !lowercaseOnly: digit - 0x37
        default: nil
        }
    }
}
