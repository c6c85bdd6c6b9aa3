import Foundation
import IblaghCrypto
import IblaghSchemas
import IblaghStore
import ReliableHop
import SwiftProtobuf

/// Intake's record of reports: accepts a submission in one durable transaction — the sealed report, the caller's
/// key, the bundle, the first status step, inline evidence and the outgoing `ReportAccepted` and `CaseOpened` — and
/// answers the reporter's status requests.
final class ReportLedger: Sendable {
    /// The consumer groups intake publishes to (the dispatch allow-list's roles).
    static let routerGroup = "router"
    static let trackerGroup = "tracker"

    let store: any Store
    private let commits: GroupCommit
    private let keys: KeyRing
    private let accounts: AccountIndex
    let receiptCost: ReceiptHash.Cost
    private let vault: EvidenceVault
    private let producer: String

    init(store: any Store, keys: KeyRing, receiptCost: ReceiptHash.Cost, vault: EvidenceVault, producer: String) {
        self.store = store
        self.commits = GroupCommit(store: store)
        self.keys = keys
        self.accounts = AccountIndex(dataKey: keys.current)
        self.receiptCost = receiptCost
        self.vault = vault
        self.producer = producer
    }

    /// Commits `submission` (already validated) and returns its tracking id and receipt secret; a submission whose
    /// client key was seen before returns the first answer and stores nothing.
    func accept(_ submission: Submission, now: Date = Date()) async throws -> Acceptance {
        // The expensive parts (scrypt, sealing) happen before the shared transaction, not inside it.
        let secret = ReceiptCode.receiptSecret()
        let receipt = try ReceiptHash(hashing: secret, cost: receiptCost)
        var stripped = submission.report
        let inlineEvidence = stripped.evidence
        stripped.evidence = []
        let plaintext: [UInt8] = try stripped.serializedBytes()
        let hashes = accounts.hashes(of: submission.report.reportedAccounts)
        let sealedEvidence = try inlineEvidence.map { try vault.seal($0.content, fileName: $0.fileName, mediaType: $0.mediaType) }
        let keys = self.keys, producer = self.producer, cost = receiptCost

        return try await commits.write { transaction in
            if let key = submission.clientKey, let earlier = try Self.findSubmission(client: submission.client, key: key, keys: keys, in: transaction) {
                return earlier
            }
            // 25 random bits per millisecond of the year: a clash is rare, and simply draws again.
            let joined = try Self.joinBundle(hashes: hashes, in: transaction)
            var trackingID = ReceiptCode.trackingID(at: now)
            var inserted = false
            while !inserted {
                inserted = try transaction.execute(
                    """
                    INSERT INTO intake_report (tracking_id, category, channel, victim_is_minor, submitted_at, sealed_report,
                        receipt_salt, receipt_hash, receipt_cost, bundle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tracking_id) DO NOTHING
                    """,
                    [.text(trackingID), .integer(Int64(submission.report.category.rawValue)), .integer(Int64(submission.channel.rawValue)),
                     .integer(submission.report.victimIsMinor ? 1 : 0), .real(now.timeIntervalSince1970),
                     .blob(try keys.seal(plaintext, associatedData: Array(trackingID.utf8))), .blob(receipt.salt), .blob(receipt.hash),
                     .text("\(cost.n):\(cost.r):\(cost.p)"), .text(joined?.id ?? trackingID)]) == 1
                if !inserted { trackingID = ReceiptCode.trackingID(at: now) }
            }
            let bundle = joined ?? (trackingID, 1)
            let ad = Array(trackingID.utf8)
            for hash in hashes {
                try transaction.execute("INSERT INTO intake_account (account_hash, tracking_id) VALUES (?, ?)", [.blob(hash), .text(trackingID)])
            }
            if let key = submission.clientKey {
                try transaction.execute(
                    "INSERT INTO intake_submission (client, client_key, tracking_id, sealed_receipt) VALUES (?, ?, ?, ?)",
                    [.text(submission.client), .text(key), .text(trackingID), .blob(try keys.seal(Array(secret.utf8), associatedData: ad))])
            }
            var evidenceHashes: [String] = []
            for sealed in sealedEvidence {
                evidenceHashes.append(try sealed.store(for: trackingID, at: now, in: transaction))
            }
            try Self.publish(submission, trackingID: trackingID, bundle: bundle, evidence: evidenceHashes, now: now, producer: producer, in: transaction)
            return Acceptance(trackingID: trackingID, receiptSecret: secret, duplicate: false, reportersInBundle: bundle.reporters)
        }
    }

    private static func findSubmission(client: String, key: String, keys: KeyRing, in transaction: any StoreTransaction) throws -> Acceptance? {
        guard let row = try transaction.rows(
            """
            SELECT s.tracking_id, s.sealed_receipt, COALESCE(b.reporters, 1) AS reporters FROM intake_submission s
            JOIN intake_report r ON r.tracking_id = s.tracking_id LEFT JOIN intake_bundle b ON b.bundle_id = r.bundle_id
            WHERE s.client = ? AND s.client_key = ?
            """, [.text(client), .text(key)]).first,
            let trackingID = row.text("tracking_id"), let sealed = row.blob("sealed_receipt")
        else { return nil }
        let secret = String(decoding: try keys.open(sealed, associatedData: Array(trackingID.utf8)), as: UTF8.self)
        return Acceptance(trackingID: trackingID, receiptSecret: secret, duplicate: true, reportersInBundle: Int(row.integer("reporters") ?? 1))
    }

    /// The bundle this report joins — the one of the earliest report naming one of the same accounts — counted
    /// with this report; nil when it starts its own. Only bundles of two or more reports have a row in
    /// `intake_bundle`: a lone report costs no write here.
    private static func joinBundle(hashes: [[UInt8]], in transaction: any StoreTransaction) throws -> (id: String, reporters: Int)? {
        for hash in hashes {
            guard let id = try transaction.rows(
                "SELECT r.bundle_id FROM intake_account a JOIN intake_report r ON r.tracking_id = a.tracking_id WHERE a.account_hash = ? ORDER BY r.submitted_at LIMIT 1",
                [.blob(hash)]).first?.text("bundle_id")
            else { continue }
            let reporters = try transaction.rows(
                """
                INSERT INTO intake_bundle (bundle_id, reporters) VALUES (?, 2)
                ON CONFLICT (bundle_id) DO UPDATE SET reporters = intake_bundle.reporters + 1 RETURNING reporters
                """, [.text(id)]).first?.integer("reporters") ?? 2
            return (id, Int(reporters))
        }
        return nil
    }

    /// The hand-off: `ReportAccepted` to the router, `CaseOpened` to the tracker, in the report's transaction. Their
    /// message ids derive from the tracking id, so the hop's inboxes would absorb any repeat.
    private static func publish(
        _ submission: Submission, trackingID: String, bundle: (id: String, reporters: Int), evidence: [String], now: Date,
        producer: String, in transaction: any StoreTransaction
    ) throws {
        let report = submission.report
        let submittedAt = Google_Protobuf_Timestamp(date: now)
        let accepted = Iblagh_V1_ReportAccepted.with {
            $0.trackingID = trackingID
            $0.category = report.category
            $0.residence = report.residence
            $0.residenceCountry = report.residenceCountry.isEmpty ? "MA" : report.residenceCountry
            $0.victimIsMinor = report.victimIsMinor
            $0.channel = submission.channel
            $0.submittedAt = submittedAt
            $0.preferredLanguage = report.preferredLanguage
        }
        let opened = Iblagh_V1_CaseOpened.with {
            $0.trackingID = trackingID
            $0.category = report.category
            $0.channel = submission.channel
            $0.submittedAt = submittedAt
            if report.hasOccurredAt { $0.occurredAt = report.occurredAt }
            $0.victimIsMinor = report.victimIsMinor
            $0.reporterAnonymous = !report.hasReporter
            $0.evidenceSha256 = evidence
            $0.reportedAccountCount = UInt32(report.reportedAccounts.count)
            $0.bundleID = bundle.id
            $0.reportersInBundle = UInt32(bundle.reporters)
        }
        let trace = TraceParent.random()
        try Outbox.enqueue(
            Iblagh_V1_Envelope(wrapping: accepted, messageID: "report-accepted:\(trackingID)", producer: producer, traceparent: trace),
            for: [routerGroup], in: transaction)
        try Outbox.enqueue(
            Iblagh_V1_Envelope(wrapping: opened, messageID: "case-opened:\(trackingID)", producer: producer, traceparent: trace),
            for: [trackerGroup], in: transaction)
    }
}
