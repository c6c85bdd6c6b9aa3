import Testing
import IblaghCrypto

@Suite("AES-256-GCM and sealed blobs")
struct SealingTests {
    // "The Galois/Counter Mode of Operation (GCM)", McGrew & Viega, test cases 13, 14 and 16 (AES-256), the
    // vectors NIST's GCM validation uses.
    @Test("AES-256-GCM test case 13: empty plaintext")
    func gcmCase13() throws {
        let (ciphertext, tag) = try AES256GCM.seal([UInt8](), key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12))
        #expect(ciphertext.isEmpty)
        #expect(hexString(tag) == "530f8afbc74536b9a963b4f1c4cb738b")
    }

    @Test("AES-256-GCM test case 14: one zero block")
    func gcmCase14() throws {
        let (ciphertext, tag) = try AES256GCM.seal(
            [UInt8](repeating: 0, count: 16), key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12))
        #expect(hexString(ciphertext) == "cea7403d4d606b6e074ec5d3baf39d18")
        #expect(hexString(tag) == "d0d1c8a799996bf0265b98b5d48ab919")
    }

    static let case16 = (
        key: hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
        nonce: hex("cafebabefacedbaddecaf888"),
        plaintext: hex("""
            d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
            1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39
            """),
        aad: hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
        ciphertext: hex("""
            522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
            8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662
            """),
        tag: "76fc6ece0f4e1768cddf8853bb2d551b")

    @Test("AES-256-GCM test case 16: with associated data, seal and open")
    func gcmCase16() throws {
        let v = Self.case16
        let (ciphertext, tag) = try AES256GCM.seal(v.plaintext, key: v.key, nonce: v.nonce, associatedData: v.aad)
        #expect(ciphertext == v.ciphertext)
        #expect(hexString(tag) == v.tag)
        #expect(try AES256GCM.open(v.ciphertext, tag: tag, key: v.key, nonce: v.nonce, associatedData: v.aad) == v.plaintext)
    }

    @Test("AES-256-GCM refuses a flipped bit in ciphertext, tag or associated data")
    func gcmRejectsTampering() {
        let v = Self.case16
        var ciphertext = v.ciphertext
        ciphertext[0] ^= 1
        var tag = hex(v.tag)
        var aad = v.aad
        expectAuthenticationFailure { try AES256GCM.open(ciphertext, tag: hex(v.tag), key: v.key, nonce: v.nonce, associatedData: v.aad) }
        tag[15] ^= 0x80
        expectAuthenticationFailure { try AES256GCM.open(v.ciphertext, tag: tag, key: v.key, nonce: v.nonce, associatedData: v.aad) }
        aad[0] ^= 1
        expectAuthenticationFailure { try AES256GCM.open(v.ciphertext, tag: hex(v.tag), key: v.key, nonce: v.nonce, associatedData: aad) }
    }

    @Test("a sealed blob opens with its key ring and carries the key id and a fresh nonce")
    func sealedBlobRoundTrip() throws {
        let ring = KeyRing(current: try SymmetricKey.generate(id: "2026-11"))
        let narrative = Array("He threatened to publish the photos unless I paid.".utf8)
        let first = try ring.seal(narrative, associatedData: Array("IBL-1".utf8))
        let second = try ring.seal(narrative, associatedData: Array("IBL-1".utf8))
        #expect(first != second)  // a fresh nonce every time
        #expect(try SealedBox(bytes: first).keyID == "2026-11")
        #expect(!first.contains(subsequence: Array("photos".utf8)))
        #expect(try ring.open(first, associatedData: Array("IBL-1".utf8)) == narrative)
    }

    @Test("every single-bit flip anywhere in a sealed blob is refused, never opened to garbage")
    func sealedBlobRejectsEveryBitFlip() throws {
        let ring = KeyRing(current: try SymmetricKey.generate(id: "k1"))
        let blob = try ring.seal(Array("secret".utf8))
        for index in blob.indices {
            for bit in [0, 7] {
                var altered = blob
                altered[index] ^= UInt8(1 << bit)
                #expect(throws: CryptoError.self) { try ring.open(altered) }
            }
        }
    }

    @Test("a wrong key, an unknown key id, other associated data, or junk each fail with a clear error")
    func sealedBlobRefusals() throws {
        let ring = KeyRing(current: try SymmetricKey.generate(id: "k1"))
        let blob = try ring.seal(Array("contact: +212 6 00 00 00 00".utf8), associatedData: Array("IBL-1".utf8))

        let impostor = KeyRing(current: try SymmetricKey.generate(id: "k1"))
        expectAuthenticationFailure { try impostor.open(blob, associatedData: Array("IBL-1".utf8)) }
        expectAuthenticationFailure { try ring.open(blob, associatedData: Array("IBL-2".utf8)) }

        let stranger = KeyRing(current: try SymmetricKey.generate(id: "k2"))
        do {
            _ = try stranger.open(blob, associatedData: Array("IBL-1".utf8))
            Issue.record("opened with a ring that lacks the key")
        } catch let error as CryptoError {
            #expect(error.code == .unknownKeyID)
            #expect(error.message.contains("k1"))
        }
        do {
            _ = try ring.open([1, 2, 3])
            Issue.record("opened junk")
        } catch let error as CryptoError {
            #expect(error.code == .malformedSealedBox)
        }
    }

    @Test("after rotation the ring seals with the new key and still opens blobs sealed with the old one")
    func keyRotation() throws {
        let old = try SymmetricKey.generate(id: "2025"), new = try SymmetricKey.generate(id: "2026")
        let blob = try KeyRing(current: old).seal(Array("evidence".utf8))
        let rotated = KeyRing(current: new, older: [old])
        #expect(try rotated.open(blob) == Array("evidence".utf8))
        #expect(try SealedBox(bytes: rotated.seal(Array("x".utf8))).keyID == "2026")
    }

    @Test("keys of the wrong size are refused, and a key's description never shows its bytes")
    func keyValidation() throws {
        #expect(throws: CryptoError.self) { try SymmetricKey(id: "short", bytes: [1, 2, 3]) }
        let key = try SymmetricKey.generate(id: "k1")
        #expect("\(key)" == "SymmetricKey(k1)")
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test("small random draws are served from a block without ever repeating: across refills, of every size")
    func randomDraws() {
        // 3 × 4 KiB and more in draws of 1 to 64 bytes: several refills of the block, and draws that do not fit the
        // rest of it. Each draw of 8 bytes or more is a fresh 64-bit value at least: a repeat means bytes served twice.
        var seen = Set<[UInt8]>()
        var total = 0
        for round in 0..<400 {
            let size = 8 + round % 57
            let bytes = SecureRandom.bytes(size)
            #expect(bytes.count == size)
            #expect(seen.insert(bytes).inserted)
            total += size
        }
        #expect(total > 3 * 4_096)
        // Every byte value turns up over 14 KiB of draws: the block is not handed out wiped.
        let counts = seen.reduce(into: [Int](repeating: 0, count: 256)) { counts, draw in draw.forEach { counts[Int($0)] += 1 } }
        #expect(counts.allSatisfy { $0 > 0 })
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(65).count == 65)
        #expect(SecureRandom.bytes(1_000).count == 1_000)
    }

    private func expectAuthenticationFailure(_ body: () throws -> [UInt8]) {
        do {
            let opened = try body()
            Issue.record("opened \(opened.count) bytes instead of refusing")
        } catch let error as CryptoError {
            #expect(error.code == .authenticationFailed)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<$0 + subsequence.count].elementsEqual(subsequence) }
    }
}
