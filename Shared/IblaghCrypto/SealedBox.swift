/// The at-rest format of personal data and evidence: AES-256-GCM with the key id and nonce carried in the blob.
///
/// ```
/// byte 0        version (1)
/// byte 1        key id length n (1...255)
/// bytes 2..<2+n key id, UTF-8
/// next 12       nonce (random)
/// then          ciphertext
/// last 16       GCM tag
/// ```
/// The header (version, key id, nonce) is authenticated with the caller's associated data, so changing the key id
/// or moving a blob to another record (different associated data) fails to open.
public struct SealedBox: Sendable, Equatable {
    public static let version: UInt8 = 1

    public let keyID: String
    public let nonce: [UInt8]
    public let ciphertext: [UInt8]
    public let tag: [UInt8]

    /// The blob's bytes, as stored.
    public var bytes: [UInt8] { header + ciphertext + tag }

    var header: [UInt8] {
        [Self.version, UInt8(keyID.utf8.count)] + Array(keyID.utf8) + nonce
    }

    init(keyID: String, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        self.keyID = keyID
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.tag = tag
    }

    /// Parses a stored blob; throws ``CryptoError/Code-swift.struct/malformedSealedBox`` for anything else.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 2, bytes[0] == Self.version else {
            throw CryptoError(.malformedSealedBox, "not a sealed blob of version \(Self.version)")
        }
        let idLength = Int(bytes[1])
        let nonceStart = 2 + idLength
        let cipherStart = nonceStart + AES256GCM.nonceByteCount
        guard idLength > 0, bytes.count >= cipherStart + AES256GCM.tagByteCount,
            let keyID = String(validating: bytes[2..<nonceStart], as: UTF8.self)
        else {
            throw CryptoError(.malformedSealedBox, "sealed blob is truncated or its key id is not UTF-8")
        }
        self.keyID = keyID
        self.nonce = Array(bytes[nonceStart..<cipherStart])
        self.ciphertext = Array(bytes[cipherStart..<(bytes.count - AES256GCM.tagByteCount)])
        self.tag = Array(bytes.suffix(AES256GCM.tagByteCount))
    }
}
