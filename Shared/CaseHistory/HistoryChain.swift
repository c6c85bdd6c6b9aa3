import Foundation
import Hexadecimal
import IblaghCrypto
import IblaghStore

/// The case file's history as a hash chain. Each entry's hash is SHA-256 over the previous entry's hash, the
/// previous entry of the same case's hash, and the entry itself (case, position in the case, time, kind, body):
/// editing an entry breaks its hash; removing or reordering one breaks the links after it.
public enum HistoryChain {
    public static let genesis = String(repeating: "0", count: 64)

    /// Where a case's own chain ends: its last entry's position in the case and hash (``empty`` before its first).
    /// The case file keeps it beside the case, so an append reads nothing of the case's past entries; a wrong
    /// stored head would only make the next entry fail ``verify(trackingID:in:)``.
    public struct Head: Sendable, Equatable {
        public var caseSeq: Int64
        public var hash: String
        public init(caseSeq: Int64, hash: String) {
            self.caseSeq = caseSeq
            self.hash = hash
        }
        public static let empty = Head(caseSeq: 0, hash: genesis)
    }

    /// Appends an entry for `trackingID` after `head`, the case's chain so far; `body` is written as canonical JSON
    /// (sorted keys). Returns the case's new head.
    public static func append(
        _ trackingID: String, after head: Head, kind: String, body: HistoryBody, at: Date, in transaction: any StoreTransaction
    ) throws -> Head {
        let text = CanonicalJSON.encode(body)
        let prev = try transaction.rows("SELECT hash FROM tracker_history ORDER BY seq DESC LIMIT 1", []).first?.text("hash") ?? genesis
        let caseSeq = head.caseSeq + 1
        let atMicros = Int64(at.timeIntervalSince1970 * 1_000_000)
        let hash = digest(prev: prev, casePrev: head.hash, trackingID: trackingID, caseSeq: caseSeq, atMicros: atMicros, kind: kind, body: text)
        try transaction.execute(
            "INSERT INTO tracker_history (tracking_id, case_seq, at_us, kind, body, prev, case_prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [.text(trackingID), .integer(caseSeq), .integer(atMicros), .text(kind), .text(text), .text(prev), .text(head.hash), .text(hash)])
        return Head(caseSeq: caseSeq, hash: hash)
    }

    public static func digest(prev: String, casePrev: String, trackingID: String, caseSeq: Int64, atMicros: Int64, kind: String, body: String) -> String {
        let material = [prev, casePrev, trackingID, String(caseSeq), String(atMicros), kind, body].joined(separator: "\n")
        return Hex.string(SHA256.hash(Array(material.utf8)))
    }

    /// The first entry that does not hold, or nil when the chain is whole. With `trackingID`, only that case's chain
    /// is checked (its entries' own hashes and their links); without, every entry in order.
    public static func verify(trackingID: String? = nil, in transaction: any StoreTransaction) throws -> String? {
        let rows = try trackingID.map {
            try transaction.rows("SELECT * FROM tracker_history WHERE tracking_id = ? ORDER BY case_seq", [.text($0)])
        } ?? transaction.rows("SELECT * FROM tracker_history ORDER BY seq", [])
        var previous = genesis
        var cases: [String: (seq: Int64, hash: String)] = [:]
        for row in rows {
            let seq = row.integer("seq") ?? 0, caseID = row.text("tracking_id") ?? "", caseSeq = row.integer("case_seq") ?? 0
            let stored = row.text("hash") ?? "", prev = row.text("prev") ?? "", casePrev = row.text("case_prev") ?? ""
            let recomputed = digest(
                prev: prev, casePrev: casePrev, trackingID: caseID, caseSeq: caseSeq, atMicros: row.integer("at_us") ?? 0,
                kind: row.text("kind") ?? "", body: row.text("body") ?? "")
            if recomputed != stored { return "entry \(seq) (\(caseID) #\(caseSeq)) was edited: its content does not match its hash" }
            if trackingID == nil, prev != previous { return "entry \(seq) (\(caseID) #\(caseSeq)) does not follow the entry before it: an entry was removed or reordered" }
            let before = cases[caseID] ?? (0, genesis)
            if caseSeq != before.seq + 1 || casePrev != before.hash {
                return "entry \(seq) (\(caseID) #\(caseSeq)) does not follow #\(before.seq) of its case: an entry was removed or reordered"
            }
            cases[caseID] = (caseSeq, stored)
            previous = stored
        }
        return nil
    }
}
