/// A 256-bit data key with the id under which sealed blobs name it. Its description never shows the key.
public struct SymmetricKey: Sendable, CustomStringConvertible {
    public let id: String
    public let bytes: [UInt8]

    public init(id: String, bytes: [UInt8]) throws {
        guard bytes.count == AES256GCM.keyByteCount else {
            throw CryptoError(.invalidKey, "key \(id): an AES-256 key is 32 bytes, not \(bytes.count)")
        }
        guard !id.isEmpty, id.utf8.count <= 255 else {
            throw CryptoError(.invalidKey, "a key id is 1 to 255 bytes of UTF-8")
        }
        self.id = id
        self.bytes = bytes
    }

    /// A fresh random key.
    public static func generate(id: String) throws -> SymmetricKey {
        try SymmetricKey(id: id, bytes: SecureRandom.bytes(AES256GCM.keyByteCount))
    }

    public var description: String { "SymmetricKey(\(id))" }
}
