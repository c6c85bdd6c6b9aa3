import Foundation
import IblaghCrypto
import IblaghSchemas
import IblaghStore

/// The reporter's view of a case: coarse steps with their times, nothing about other people.
struct CaseStatus: Encodable, Sendable, Equatable {
    struct Step: Encodable, Sendable, Equatable {
        let step: String
        let at: Date
    }

    let trackingID: String
    let status: String
    let category: String
    let submittedAt: Date
    let steps: [Step]
    let reportersInBundle: Int

    enum CodingKeys: String, CodingKey {
        case trackingID = "tracking_id", status, category, submittedAt = "submitted_at", steps
        case reportersInBundle = "reporters_in_bundle"
    }
}

extension ReportLedger {
    /// The case `trackingID` if `secret` is its receipt secret; nil for an unknown id and for a wrong secret alike
    /// (and in about the same time), so the answer reveals nothing about which ids exist.
    func status(trackingID: String, secret: String) async throws -> CaseStatus? {
        guard try await verify(trackingID: trackingID, secret: secret) else { return nil }
        return try await store.read { transaction in
            guard let row = try transaction.rows(
                """
                SELECT r.category, r.submitted_at, COALESCE(b.reporters, 1) AS reporters FROM intake_report r
                LEFT JOIN intake_bundle b ON b.bundle_id = r.bundle_id WHERE r.tracking_id = ?
                """, [.text(trackingID)]).first
            else { return nil }
            // "received" is the report itself; later steps arrive from the other stages.
            let submittedAt = Date(timeIntervalSince1970: row.real("submitted_at") ?? 0)
            let steps = try [CaseStatus.Step(step: "received", at: submittedAt)]
                + transaction.rows("SELECT step, at FROM intake_status WHERE tracking_id = ? ORDER BY at", [.text(trackingID)])
                .map { CaseStatus.Step(step: $0.text("step") ?? "", at: Date(timeIntervalSince1970: $0.real("at") ?? 0)) }
            let category = Iblagh_V1_ReportCategory(rawValue: Int(row.integer("category") ?? 0)) ?? .unspecified
            return CaseStatus(
                trackingID: trackingID, status: steps.last?.step ?? "received",
                category: category.shortName,
                submittedAt: submittedAt, steps: steps,
                reportersInBundle: Int(row.integer("reporters") ?? 1))
        }
    }

    /// Whether `secret` unlocks `trackingID`. Runs scrypt even for an unknown id, against a dummy hash.
    func verify(trackingID: String, secret: String) async throws -> Bool {
        let stored = try await store.read { transaction in
            try transaction.rows("SELECT receipt_salt, receipt_hash, receipt_cost FROM intake_report WHERE tracking_id = ?", [.text(trackingID)]).first
        }
        guard let stored, let salt = stored.blob("receipt_salt"), let hash = stored.blob("receipt_hash"),
            let cost = stored.text("receipt_cost").flatMap(Self.cost(from:))
        else {
            _ = ReceiptHash(salt: Array(repeating: 0, count: 16), hash: Array(repeating: 0, count: 32), cost: receiptCost).matches(secret)
            return false
        }
        return ReceiptHash(salt: salt, hash: hash, cost: cost).matches(secret)
    }

    static func cost(from text: String) -> ReceiptHash.Cost? {
        let parts = text.split(separator: ":").compactMap { UInt64($0) }
        guard parts.count == 3 else { return nil }
        return ReceiptHash.Cost(n: parts[0], r: UInt32(parts[1]), p: UInt32(parts[2]))
    }

    /// Adds an uploaded evidence file to `trackingID`'s report, in one transaction; returns its SHA-256.
    func attach(_ evidence: SealedEvidence, to trackingID: String, now: Date = Date()) async throws -> String {
        try await store.write { transaction in
            let count = try transaction.rows("SELECT COUNT(*) AS n FROM intake_evidence WHERE tracking_id = ?", [.text(trackingID)]).first?.integer("n") ?? 0
            guard count < Self.maximumEvidenceFiles else { throw EvidenceError("a report holds at most \(Self.maximumEvidenceFiles) evidence files") }
            return try evidence.store(for: trackingID, at: now, in: transaction)
        }
    }

    static let maximumEvidenceFiles = 20
}
