import CLibCrypto

/// HMAC-SHA-256 (RFC 2104 / 4231), as webhooks sign their deliveries.
public enum HMACSHA256 {
    public static let byteCount = 32

    /// The authentication code of `message` under `key`.
    public static func authenticationCode(for message: some ContiguousBytesSequence, key: some ContiguousBytesSequence) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        // HMAC() fails on a NULL key pointer, which an empty key gives; a one-byte buffer with length 0 stands in.
        let placeholder: [UInt8] = [0]
        placeholder.withUnsafeBytes { placeholderBuffer in
            key.withBytes { keyBuffer in
                message.withBytes { messageBuffer in
                    let keyPointer = keyBuffer.baseAddress ?? placeholderBuffer.baseAddress
                    let messagePointer = messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
                    _ = HMAC(iblagh_sha256(), keyPointer, Int32(keyBuffer.count), messagePointer, messageBuffer.count, &code, &length)
                }
            }
        }
        return code
    }

    /// Whether `code` authenticates `message` under `key`, compared in constant time.
    public static func isValid(
        _ code: some ContiguousBytesSequence, for message: some ContiguousBytesSequence, key: some ContiguousBytesSequence
    ) -> Bool {
        let expected = authenticationCode(for: message, key: key)
        return code.withBytes { given in
            given.count == expected.count
                && expected.withUnsafeBytes { CRYPTO_memcmp($0.baseAddress, given.baseAddress, given.count) } == 0
        }
    }
}
