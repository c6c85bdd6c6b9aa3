import CLibCrypto

/// AES-256-GCM through OpenSSL: the primitive under ``SealedBox``. Prefer ``KeyRing/seal(_:associatedData:)``,
/// which chooses the nonce; these functions take one so the primitive can be checked against NIST vectors.
public enum AES256GCM {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    public static func seal(
        _ plaintext: some ContiguousBytesSequence, key: [UInt8], nonce: [UInt8],
        associatedData: some ContiguousBytesSequence = [UInt8]()
    ) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
        try check(key: key, nonce: nonce)
        let context = try Context()
        guard EVP_EncryptInit_ex(context.pointer, iblagh_aes_256_gcm(), nil, key, nonce) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM encrypt init")
        }
        var length: Int32 = 0
        try associatedData.withBytes { aad in
            if aad.count > 0, EVP_EncryptUpdate(context.pointer, nil, &length, aad.baseAddress, Int32(aad.count)) != 1 {
                throw CryptoError.openSSL("AES-256-GCM associated data")
            }
        }
        var ciphertext = try plaintext.withBytes { input -> [UInt8] in
            var output = [UInt8](repeating: 0, count: input.count + 16)
            if input.count > 0,
                EVP_EncryptUpdate(context.pointer, &output, &length, input.baseAddress, Int32(input.count)) != 1
            {
                throw CryptoError.openSSL("AES-256-GCM encrypt")
            }
            output.removeLast(output.count - Int(input.count > 0 ? length : 0))
            return output
        }
        var tail = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptFinal_ex(context.pointer, &tail, &length) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM encrypt final")
        }
        ciphertext += tail.prefix(Int(length))
        var tag = [UInt8](repeating: 0, count: tagByteCount)
        guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), &tag) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM tag")
        }
        return (ciphertext, tag)
    }

    /// The plaintext, or ``CryptoError/Code-swift.struct/authenticationFailed`` when anything was altered or
    /// the key is wrong — never unauthenticated bytes.
    public static func open(
        _ ciphertext: some ContiguousBytesSequence, tag: [UInt8], key: [UInt8], nonce: [UInt8],
        associatedData: some ContiguousBytesSequence = [UInt8]()
    ) throws -> [UInt8] {
        try check(key: key, nonce: nonce)
        guard tag.count == tagByteCount else {
            throw CryptoError(.authenticationFailed, "AES-256-GCM tag must be \(tagByteCount) bytes")
        }
        let context = try Context()
        guard EVP_DecryptInit_ex(context.pointer, iblagh_aes_256_gcm(), nil, key, nonce) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM decrypt init")
        }
        var length: Int32 = 0
        try associatedData.withBytes { aad in
            if aad.count > 0, EVP_DecryptUpdate(context.pointer, nil, &length, aad.baseAddress, Int32(aad.count)) != 1 {
                throw CryptoError.openSSL("AES-256-GCM associated data")
            }
        }
        var plaintext = try ciphertext.withBytes { input -> [UInt8] in
            var output = [UInt8](repeating: 0, count: input.count + 16)
            if input.count > 0,
                EVP_DecryptUpdate(context.pointer, &output, &length, input.baseAddress, Int32(input.count)) != 1
            {
                throw CryptoError.openSSL("AES-256-GCM decrypt")
            }
            output.removeLast(output.count - Int(input.count > 0 ? length : 0))
            return output
        }
        var expectedTag = tag
        guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), &expectedTag) == 1 else {
            throw CryptoError.openSSL("AES-256-GCM set tag")
        }
        var tail = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context.pointer, &tail, &length) == 1 else {
            ERR_clear_error()
            // Do not leak a partial plaintext: wipe what was decrypted before refusing.
            for index in plaintext.indices { plaintext[index] = 0 }
            throw CryptoError(.authenticationFailed, "AES-256-GCM authentication failed: altered data or wrong key")
        }
        plaintext += tail.prefix(Int(length))
        return plaintext
    }

    private static func check(key: [UInt8], nonce: [UInt8]) throws {
        guard key.count == keyByteCount else {
            throw CryptoError(.invalidKey, "an AES-256 key is \(keyByteCount) bytes, not \(key.count)")
        }
        guard nonce.count == nonceByteCount else {
            throw CryptoError(.invalidKey, "an AES-GCM nonce is \(nonceByteCount) bytes, not \(nonce.count)")
        }
    }

    /// Owns an `EVP_CIPHER_CTX`.
    private final class Context {
        let pointer: OpaquePointer
        init() throws {
            guard let pointer = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new") }
            self.pointer = pointer
        }
        deinit { EVP_CIPHER_CTX_free(pointer) }
    }
}
