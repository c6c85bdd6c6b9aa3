import CLibCrypto

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&bytes, Int32(count)) == 1 else {
            // Without randomness no key, nonce or receipt secret is safe; running on would be worse than stopping.
            fatalError("OpenSSL's random generator failed")
        }
        return bytes
    }
}
