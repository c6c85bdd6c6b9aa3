import CLibCrypto

/// Streaming SHA-256 (OpenSSL): evidence is hashed chunk by chunk from its first byte received.
public final class SHA256 {
    public static let byteCount = 32
    private let context: OpaquePointer
    private var finished = false

    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, iblagh_sha256(), nil) == 1 else {
            fatalError("OpenSSL cannot initialise SHA-256: the library is unusable")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the hash.
    public func update(_ bytes: some ContiguousBytesSequence) {
        precondition(!finished, "SHA256.update after finalize")
        bytes.withBytes { buffer in _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) }
    }

    /// The digest of everything added; the hasher cannot be used afterwards.
    public func finalize() -> [UInt8] {
        precondition(!finished, "SHA256.finalize called twice")
        finished = true
        var digest = [UInt8](repeating: 0, count: Self.byteCount)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return digest
    }

    /// The digest of `bytes` in one call.
    public static func hash(_ bytes: some ContiguousBytesSequence) -> [UInt8] {
        let hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
