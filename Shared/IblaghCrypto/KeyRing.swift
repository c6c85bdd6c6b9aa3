/// The data keys a service holds: it seals with the current one and opens with whichever key a blob names, so keys
/// can be rotated without re-encrypting what is stored.
public struct KeyRing: Sendable {
    public let current: SymmetricKey
    private let keys: [String: SymmetricKey]

    /// `current` seals; `current` and `older` open.
    public init(current: SymmetricKey, older: [SymmetricKey] = []) {
        self.current = current
        self.keys = Dictionary((older + [current]).map { ($0.id, $0) }, uniquingKeysWith: { _, latest in latest })
    }

    /// Encrypts `plaintext` under the current key with a fresh random nonce; `associatedData` (e.g. the record's
    /// id) is authenticated but not stored, and must be given again to open.
    public func seal(_ plaintext: some ContiguousBytesSequence, associatedData: [UInt8] = []) throws -> [UInt8] {
        let nonce = SecureRandom.bytes(AES256GCM.nonceByteCount)
        let header = SealedBox(keyID: current.id, nonce: nonce, ciphertext: [], tag: []).header
        let (ciphertext, tag) = try AES256GCM.seal(
            plaintext, key: current.bytes, nonce: nonce, associatedData: header + associatedData)
        return SealedBox(keyID: current.id, nonce: nonce, ciphertext: ciphertext, tag: tag).bytes
    }

    /// Decrypts a blob made by ``seal(_:associatedData:)``. Throws, never returns garbage, when the blob was altered,
    /// names a key this ring lacks, or the associated data differs.
    public func open(_ blob: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        let box = try SealedBox(bytes: blob)
        guard let key = keys[box.keyID] else {
            throw CryptoError(.unknownKeyID, "sealed with key id \"\(box.keyID)\", which this key ring does not hold")
        }
        return try AES256GCM.open(
            box.ciphertext, tag: box.tag, key: key.bytes, nonce: box.nonce, associatedData: box.header + associatedData)
    }
}
