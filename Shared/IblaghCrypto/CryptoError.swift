import CLibCrypto

/// A cryptographic failure. Messages name what failed, never the data or the key.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// The ciphertext, its key id, its nonce or its associated data was altered, or the key is wrong.
        public static let authenticationFailed = Code(name: "authenticationFailed")
        /// The sealed blob names a key id the key ring does not hold.
        public static let unknownKeyID = Code(name: "unknownKeyID")
        /// The bytes are not a sealed blob of a version we know.
        public static let malformedSealedBox = Code(name: "malformedSealedBox")
        /// A key of the wrong length, or a key id that is empty or too long.
        public static let invalidKey = Code(name: "invalidKey")
        /// OpenSSL reported an error.
        public static let library = Code(name: "library")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// OpenSSL's queued error for `operation`, cleared from its queue.
    static func openSSL(_ operation: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return CryptoError(.library, "\(operation) failed: \(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))")
    }
}
