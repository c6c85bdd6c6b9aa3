import CLibCrypto

/// A receipt secret as stored: scrypt (memory-hard, through OpenSSL's EVP_KDF) over a random salt, so a copy of the
/// database does not give the secrets that unlock reporters' case status. Verified in constant time.
public struct ReceiptHash: Sendable, Equatable {
    /// scrypt's cost: `n` (a power of two) × `r` × 128 bytes of memory per hash. The default, 2^10 × 8, takes
    /// 1 MiB and about 2 ms on the 2-core development machine (OpenSSL 3.0); 2^14 takes 16 MiB and about 25 ms.
    public struct Cost: Sendable, Equatable {
        public var n: UInt64
        public var r: UInt32
        public var p: UInt32

        public init(n: UInt64 = 1 << 10, r: UInt32 = 8, p: UInt32 = 1) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// Whether OpenSSL accepts these figures: `n` a power of two above 1, `r` and `p` positive.
        public var isValid: Bool { n > 1 && n & (n - 1) == 0 && r > 0 && p > 0 }
    }

    public static let byteCount = 32
    public let salt: [UInt8]
    public let hash: [UInt8]
    public let cost: Cost

    public init(salt: [UInt8], hash: [UInt8], cost: Cost) {
        self.salt = salt
        self.hash = hash
        self.cost = cost
    }

    /// Hashes `secret` under a fresh random salt.
    public init(hashing secret: String, cost: Cost = Cost()) throws {
        let salt = SecureRandom.bytes(16)
        self.init(salt: salt, hash: try Self.derive(secret, salt: salt, cost: cost), cost: cost)
    }

    /// Whether `secret` is the one hashed, compared in constant time.
    public func matches(_ secret: String) -> Bool {
        guard let candidate = try? Self.derive(secret, salt: salt, cost: cost), candidate.count == hash.count else {
            return false
        }
        return candidate.withUnsafeBytes { given in
            hash.withUnsafeBytes { CRYPTO_memcmp($0.baseAddress, given.baseAddress, given.count) } == 0
        }
    }

    static func derive(_ secret: String, salt: [UInt8], cost: Cost) throws -> [UInt8] {
        guard cost.isValid else {
            throw CryptoError(.invalidKey, "scrypt cost n=\(cost.n) r=\(cost.r) p=\(cost.p) is invalid (n a power of two > 1)")
        }
        var out = [UInt8](repeating: 0, count: byteCount)
        let password = Array(secret.utf8)
        // Room for scrypt's working memory (128·n·r·p bytes) plus slack; OpenSSL's default ceiling is 32 MiB.
        let memory = 128 * cost.n * UInt64(cost.r) * UInt64(cost.p) + (1 << 20)
        let ok = password.withUnsafeBufferPointer { passwordBuffer in
            salt.withUnsafeBufferPointer { saltBuffer in
                iblagh_scrypt(
                    passwordBuffer.baseAddress, passwordBuffer.count, saltBuffer.baseAddress, saltBuffer.count,
                    cost.n, cost.r, cost.p, memory, &out, out.count)
            }
        }
        guard ok == 1 else { throw CryptoError(.library, "scrypt failed") }
        return out
    }
}
