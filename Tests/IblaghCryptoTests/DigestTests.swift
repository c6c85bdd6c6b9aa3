import Foundation
import Testing
import Hexadecimal
import IblaghCrypto

@Suite("SHA-256 and HMAC-SHA-256 against published vectors")
struct DigestTests {
    // FIPS 180-2, appendix B, and the NIST examples.
    @Test("SHA-256 of the FIPS 180-2 messages", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256Vectors(message: String, digest: String) {
        #expect(hexString(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test("streaming SHA-256 of one million 'a' equals the published digest, whatever the chunking")
    func sha256Streaming() {
        let hasher = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 999)  // odd size: chunks never align with the 64-byte block
        var remaining = 1_000_000
        while remaining > 0 {
            let count = min(remaining, chunk.count)
            hasher.update(chunk[0..<count])
            remaining -= count
        }
        #expect(hexString(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    // RFC 4231, test cases 1, 2, 4 and 6; then an empty key and message, and keys of exactly one block and one byte more
    // (the codes from Python's hmac module).
    @Test("HMAC-SHA-256 of the RFC 4231 cases and at the block size's edges", arguments: [
        (hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([], [], "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
        (Array(0..<64), Array("IBL-2026-TTXSMT6CS9QA".utf8), "6397ab61f770a38803a8145fc156cf3cba46a12f92c43b292765c854735d9cff"),
        (Array(0..<65), Array("IBL-2026-TTXSMT6CS9QA".utf8), "65e250277cd5e3511e96368be11a9dd890870469ed07f902530e12634145c705"),
    ])
    func hmacVectors(key: [UInt8], message: [UInt8], code: String) {
        #expect(hexString(HMACSHA256.authenticationCode(for: message, key: key)) == code)
        #expect(HMACSHA256.isValid(hex(code), for: message, key: key))
    }

    @Test("a flipped bit in the message or the code fails HMAC verification")
    func hmacRejectsFlippedBit() {
        let key = Array("webhook secret".utf8)
        var message = Array(#"{"tracking_id":"IBL-2026-7K3Q9XWD"}"#.utf8)
        let code = HMACSHA256.authenticationCode(for: message, key: key)
        var badCode = code
        badCode[5] ^= 0x01
        #expect(!HMACSHA256.isValid(badCode, for: message, key: key))
        #expect(!HMACSHA256.isValid(Array(code.prefix(16)), for: message, key: key))
        message[3] ^= 0x80
        #expect(!HMACSHA256.isValid(code, for: message, key: key))
    }
}

@Suite("Hex")
struct HexTests {
    @Test("two lower-case digits per byte, every byte value")
    func everyByte() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.string(all) == all.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.string([]) == "")
        #expect(Hex.string(all[250...]) == "fafbfcfdfeff")
    }

    @Test("reading: two digits per byte, upper case unless refused, nothing else")
    func reading() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.bytes(Hex.string(all)) == all)
        #expect(Hex.bytes(Hex.string(all).uppercased()) == all)
        #expect(Hex.bytes("00ff", lowercaseOnly: true) == [0x00, 0xFF])
        #expect(Hex.bytes("00FF", lowercaseOnly: true) == nil)
        #expect(Hex.bytes("") == [])
        for malformed in ["0", "abc", "0g", "+f", "-0", " 0", "0x", "éé"] {
            #expect(Hex.bytes(malformed) == nil, "\(malformed)")
        }
    }
}

@Suite("Data key files")
struct DataKeyFileTests {
    @Test("a key's 64 digits are hexadecimal, in either case; a signed pair is refused")
    func digits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("iblagh-keyfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func load(_ digits: String) throws -> KeyRing {
            let path = "\(directory)/data.keys"
            try? FileManager.default.removeItem(atPath: path)
            _ = FileManager.default.createFile(atPath: path, contents: Data("k-1:\(digits)\n".utf8), attributes: [.posixPermissions: 0o600])
            return try DataKeyFile.load(path)
        }
        let key = (0..<32).map { UInt8($0 * 7 + 3) }
        let sealed = try load(Hex.string(key)).seal([1, 2, 3], associatedData: [9])
        #expect(try load(Hex.string(key).uppercased()).open(sealed, associatedData: [9]) == [1, 2, 3])
        // `UInt8("+f", radix: 16)` is 15: the file's reader once took such a pair for a byte.
        let error = #expect(throws: CryptoError.self) { try load("+f" + String(repeating: "0", count: 62)) }
        #expect(error?.description.contains("line 1 is not ID:HEX with 64 hex digits") == true)
    }
}
