import CZeroMQ

/// A CURVE public key: 32 bytes, written as 40 characters of Z85 text.
public struct CurvePublicKey: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw ZMQError(.invalidKey, "a CURVE public key is 32 bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Parses the 40-character Z85 form used in certificate files and by pyzmq.
    public init(z85: String) throws {
        self.bytes = try Z85.decodeKey(z85, what: "public key")
    }

    public var z85: String { Z85.encode(bytes) }
    public var description: String { z85 }
    /// A short, stable name for logs: the first 8 Z85 characters.
    public var fingerprint: String { String(z85.prefix(8)) }
}

/// A CURVE secret key. Its description is redacted so it never reaches a log by accident.
public struct CurveSecretKey: Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw ZMQError(.invalidKey, "a CURVE secret key is 32 bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    public init(z85: String) throws {
        self.bytes = try Z85.decodeKey(z85, what: "secret key")
    }

    public var z85: String { Z85.encode(bytes) }
    public var description: String { "<secret key>" }
}

/// A CURVE key pair: what every service instance, integrator and unit console holds.
public struct CurveKeyPair: Sendable {
    public let publicKey: CurvePublicKey
    public let secretKey: CurveSecretKey

    /// A fresh key pair from libzmq's CSPRNG.
    public static func generate() throws -> CurveKeyPair {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        return try CurveKeyPair(
            publicKey: CurvePublicKey(z85: String(nulTerminated: publicText)),
            secretKey: CurveSecretKey(z85: String(nulTerminated: secretText)))
    }

    /// A pair from its secret key alone: the public key is derived.
    public init(secretKey: CurveSecretKey) throws {
        self.publicKey = try CurvePublicKey(z85: Self.derivePublic(from: secretKey))
        self.secretKey = secretKey
    }

    /// A pair from both halves; throws when they do not belong together.
    public init(publicKey: CurvePublicKey, secretKey: CurveSecretKey) throws {
        guard try Self.derivePublic(from: secretKey) == publicKey.z85 else {
            throw ZMQError(.invalidKey, "the public key \(publicKey.fingerprint)… does not match the secret key")
        }
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    private static func derivePublic(from secret: CurveSecretKey) throws -> String {
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, secret.z85) == 0 else { throw ZMQError.last("zmq_curve_public") }
        return String(nulTerminated: publicText)
    }
}

/// Z85 (ZeroMQ RFC 32) text for keys.
enum Z85 {
    static func encode(_ bytes: [UInt8]) -> String {
        var text = [CChar](repeating: 0, count: bytes.count * 5 / 4 + 1)
        _ = zmq_z85_encode(&text, bytes, bytes.count)
        return String(nulTerminated: text)
    }

    static func decodeKey(_ text: String, what: String) throws -> [UInt8] {
        let alphabet = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")
        guard text.count == 40, text.allSatisfy(alphabet.contains) else {
            throw ZMQError(.invalidKey, "a CURVE \(what) is 40 characters of Z85 text; got \(text.count) characters")
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&bytes, text) != nil else {
            throw ZMQError(.invalidKey, "the CURVE \(what) is not valid Z85")
        }
        return bytes
    }
}

extension String {
    /// Text from a NUL-terminated C buffer.
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
