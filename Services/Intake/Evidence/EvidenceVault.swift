import Foundation
import Hexadecimal
import IblaghCrypto
import IblaghStore

/// Seals evidence as its bytes arrive: SHA-256 over the plaintext, AES-256-GCM over each 64-KiB chunk. Plaintext
/// exists only in memory, one chunk at a time, never in a file. A file whose hash is on the known-material list is
/// marked quarantined: staff see its hash and metadata, never its bytes.
struct EvidenceVault: Sendable {
    static let chunkBytes = 64 * 1024
    let keys: KeyRing
    /// SHA-256 (lower-case hex) of known material, from the configured list.
    let knownMaterial: Set<String>

    /// Starts sealing one file.
    func upload(fileName: String, mediaType: String) throws -> EvidenceUpload {
        try EvidenceUpload(keys: keys, knownMaterial: knownMaterial, fileName: fileName, mediaType: mediaType)
    }

    /// Seals a whole file at once (evidence sent inline over the bus).
    func seal(_ content: some Collection<UInt8>, fileName: String, mediaType: String) throws -> SealedEvidence {
        var upload = try upload(fileName: fileName, mediaType: mediaType)
        try upload.append(Array(content))
        return try upload.finish()
    }

    /// Reads a known-material list: one SHA-256 in hex per line; blank lines and `#` comments ignored. A line that is
    /// not a hash is an error naming its number (never its content).
    static func loadKnownMaterial(file: String) throws -> Set<String> {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw EvidenceError("cannot read the known-material hash list \(file)")
        }
        var hashes = Set<String>()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces).lowercased()
            if entry.isEmpty { continue }
            guard entry.count == 64, entry.allSatisfy(\.isHexDigit) else {
                throw EvidenceError("\(file) line \(number + 1) is not a SHA-256 in hex")
            }
            hashes.insert(entry)
        }
        return hashes
    }
}

/// One file being received: feed it with ``append(_:)``, then ``finish()``.
struct EvidenceUpload {
    let token = UUID().uuidString
    let mediaType: String
    private let keys: KeyRing
    private let knownMaterial: Set<String>
    private let sealedName: [UInt8]
    private let digest = SHA256()
    private var pending: [UInt8] = []
    private var chunks: [[UInt8]] = []
    private(set) var size = 0
    /// The first bytes, kept to check the file is of its declared type.
    private(set) var head: [UInt8] = []

    init(keys: KeyRing, knownMaterial: Set<String>, fileName: String, mediaType: String) throws {
        self.keys = keys
        self.knownMaterial = knownMaterial
        self.mediaType = mediaType.lowercased()
        self.sealedName = try keys.seal(Array(fileName.utf8), associatedData: Array(token.utf8))
    }

    mutating func append(_ bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        digest.update(bytes)
        size += bytes.count
        if head.count < 16 { head += bytes.prefix(16 - head.count) }
        pending += bytes
        while pending.count >= EvidenceVault.chunkBytes {
            try sealChunk(Array(pending.prefix(EvidenceVault.chunkBytes)))
            pending.removeFirst(EvidenceVault.chunkBytes)
        }
    }

    mutating func finish() throws -> SealedEvidence {
        if !pending.isEmpty || chunks.isEmpty { try sealChunk(pending) }
        pending = []
        let hex = Hex.string(digest.finalize())
        return SealedEvidence(
            token: token, sealedName: sealedName, mediaType: mediaType, size: size, sha256: hex,
            quarantined: knownMaterial.contains(hex), chunks: chunks)
    }

    private mutating func sealChunk(_ plaintext: [UInt8]) throws {
        chunks.append(try keys.seal(plaintext, associatedData: Array("\(token)/\(chunks.count)".utf8)))
    }
}

/// A file sealed in memory, ready to be stored with its report.
struct SealedEvidence: Sendable {
    let token: String
    let sealedName: [UInt8]
    let mediaType: String
    let size: Int
    let sha256: String
    let quarantined: Bool
    let chunks: [[UInt8]]

    /// Stores the file for `trackingID` inside `transaction`; returns its SHA-256.
    func store(for trackingID: String, at now: Date, in transaction: any StoreTransaction) throws -> String {
        try transaction.execute(
            """
            INSERT INTO intake_evidence (tracking_id, token, sealed_name, media_type, size, sha256, quarantined, received_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(trackingID), .text(token), .blob(sealedName), .text(mediaType), .integer(Int64(size)), .text(sha256),
             .integer(quarantined ? 1 : 0), .real(now.timeIntervalSince1970)])
        let id = try transaction.rows("SELECT id FROM intake_evidence WHERE token = ?", [.text(token)]).first?.integer("id") ?? 0
        for (position, chunk) in chunks.enumerated() {
            try transaction.execute(
                "INSERT INTO intake_evidence_chunk (evidence_id, position, sealed) VALUES (?, ?, ?)",
                [.integer(id), .integer(Int64(position)), .blob(chunk)])
        }
        return sha256
    }
}

/// Evidence that cannot be taken; the message names the problem, never the content.
struct EvidenceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
