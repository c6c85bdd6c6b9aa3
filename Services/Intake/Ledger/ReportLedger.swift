import Foundation
import Hexadecimal
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
    /// Keys the hash in ``webKey(token:report:)``, derived from the data key for that use alone.
    private let webFormKey: [UInt8]
    let receiptCost: ReceiptHash.Cost
    private let vault: EvidenceVault
    private let producer: String

    init(store: any Store, keys: KeyRing, receiptCost: ReceiptHash.Cost, vault: EvidenceVault, producer: String) {
        self.store = store
        self.commits = GroupCommit(store: store, name: "intake_reports")
        self.keys = keys
        self.accounts = AccountIndex(dataKey: keys.current)
        self.webFormKey = HMACSHA256.authenticationCode(for: Array("iblagh web form key v1".utf8), key: keys.current.bytes)
        self.receiptCost = receiptCost
        self.vault = vault
        self.producer = producer
    }

    /// Commits `submission` (already validated) and returns its tracking id and receipt secret; a submission whose
    /// client key was seen before returns the first answer and stores nothing. Shares its transaction with the
    /// writes that arrive beside it (``GroupCommit``).
    func accept(_ submission: Submission, now: Date = Date()) async throws -> Acceptance {
        let sealed = try seal(submission, now: now)
        let keys = self.keys, producer = self.producer
        return try await commits.write { transaction in try Self.record(sealed, keys: keys, producer: producer, in: transaction) }
    }

    /// Commits `submissions` (already validated) in one transaction, on the calling thread (``Store/writeBlocking``):
    /// one result per submission, in order; one that fails (a sealing error, a constraint) fails alone. Throws only
    /// when the transaction itself fails, and then nothing of any of them is stored.
    func acceptNow(_ submissions: [Submission], now: Date = Date()) throws -> [Result<Acceptance, Error>] {
        // scrypt dominates at the service's default cost (about 2 ms a report): a batch hashes on every core.
        var sealed = [Result<SealedSubmission, Error>](repeating: .failure(StoreError("not sealed")), count: submissions.count)
        sealed.withUnsafeMutableBufferPointer { results in
            nonisolated(unsafe) let results = results
            let seal: @Sendable (Int) -> Void = { index in results[index] = Result { try self.seal(submissions[index], now: now) } }
            if submissions.count > 1 { DispatchQueue.concurrentPerform(iterations: submissions.count, execute: seal) } else { submissions.indices.forEach(seal) }
        }
        let keys = self.keys, producer = self.producer, batch = sealed
        return try store.writeBlocking(durability: .synced) { transaction in
            try batch.map { sealed in
                switch sealed {
                case .success(let sealed): try transaction.separately { try Self.record(sealed, keys: keys, producer: producer, in: transaction) }
                case .failure(let error): .failure(error)
                }
            }
        }
    }

    /// A submission made ready to record: everything expensive (scrypt, sealing) done before any transaction.
    private struct SealedSubmission: Sendable {
        let submission: Submission
        let now: Date
        let secret: String
        let receipt: ReceiptHash
        let plaintext: [UInt8]
        let accountHashes: [[UInt8]]
        let evidence: [SealedEvidence]
        /// SHA-256 of the report as submitted, when it comes with a client key.
        let requestHash: [UInt8]?
    }

    private func seal(_ submission: Submission, now: Date) throws -> SealedSubmission {
        let secret = ReceiptCode.receiptSecret()
        var stripped = submission.report
        let inlineEvidence = stripped.evidence
        stripped.evidence = []
        return SealedSubmission(
            submission: submission, now: now, secret: secret, receipt: try ReceiptHash(hashing: secret, cost: receiptCost),
            plaintext: try stripped.serializedBytes(), accountHashes: accounts.hashes(of: submission.report.reportedAccounts),
            evidence: try inlineEvidence.map { try vault.seal($0.content, fileName: $0.fileName, mediaType: $0.mediaType) },
            requestHash: submission.clientKey == nil ? nil : SHA256.hash(try submission.report.serializedBytes() as [UInt8]))
    }

    /// A key for the web form's submission: its form token and a keyed hash of what it holds. Sent twice as it is
    /// (a double click, a reload), it is one report; changed and sent again (back, mend, send), it is a new one.
    func webKey(token: String, report: Iblagh_V1_Report) throws -> String {
        "web:\(token):" + Hex.string(HMACSHA256.authenticationCode(for: try report.serializedBytes() as [UInt8], key: webFormKey).prefix(16))
    }

    /// Records one sealed submission in `transaction`: the first answer again for a known client key, else the
    /// report, its accounts, its key, its evidence and its two outgoing messages.
    private static func record(_ sealed: SealedSubmission, keys: KeyRing, producer: String, in transaction: any StoreTransaction) throws -> Acceptance {
        let submission = sealed.submission, now = sealed.now, receipt = sealed.receipt, cost = sealed.receipt.cost
        if let key = submission.clientKey, let earlier = try findSubmission(client: submission.client, key: key, keys: keys, in: transaction) {
            guard earlier.requestHash == nil || earlier.requestHash == sealed.requestHash else { throw ClientKeyReused() }
            return earlier.acceptance
        }
        // 25 random bits per millisecond of the year: a clash is rare, and simply draws again.
        let joined = try joinBundle(hashes: sealed.accountHashes, in: transaction)
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
                 .blob(try keys.seal(sealed.plaintext, associatedData: Array(trackingID.utf8))), .blob(receipt.salt), .blob(receipt.hash),
                 .text("\(cost.n):\(cost.r):\(cost.p)"), .text(joined?.id ?? trackingID)]) == 1
            if !inserted { trackingID = ReceiptCode.trackingID(at: now) }
        }
        let bundle = joined ?? (trackingID, 1)
        let ad = Array(trackingID.utf8)
        for hash in sealed.accountHashes {
            try transaction.execute("INSERT INTO intake_account (account_hash, tracking_id) VALUES (?, ?)", [.blob(hash), .text(trackingID)])
        }
        if let key = submission.clientKey {
            try transaction.execute(
                "INSERT INTO intake_submission (client, client_key, tracking_id, sealed_receipt, sealed_request_hash) VALUES (?, ?, ?, ?, ?)",
                [.text(submission.client), .text(key), .text(trackingID), .blob(try keys.seal(Array(sealed.secret.utf8), associatedData: ad)),
                 try sealed.requestHash.map { StoreValue.blob(try keys.seal($0, associatedData: ad)) } ?? .null])
        }
        var evidenceHashes: [String] = []
        for evidence in sealed.evidence {
            evidenceHashes.append(try evidence.store(for: trackingID, at: now, in: transaction))
        }
        try publish(submission, trackingID: trackingID, bundle: bundle, evidence: evidenceHashes, now: now, producer: producer, in: transaction)
        return Acceptance(trackingID: trackingID, receiptSecret: sealed.secret, duplicate: false, reportersInBundle: bundle.reporters)
    }

    /// The first answer to `key`, and the SHA-256 of the report it was for (nil for a key recorded before it was kept).
    private static func findSubmission(
        client: String, key: String, keys: KeyRing, in transaction: any StoreTransaction
    ) throws -> (acceptance: Acceptance, requestHash: [UInt8]?)? {
        guard let row = try transaction.rows(
            """
            SELECT s.tracking_id, s.sealed_receipt, s.sealed_request_hash, COALESCE(b.reporters, 1) AS reporters FROM intake_submission s
            JOIN intake_report r ON r.tracking_id = s.tracking_id LEFT JOIN intake_bundle b ON b.bundle_id = r.bundle_id
            WHERE s.client = ? AND s.client_key = ?
            """, [.text(client), .text(key)]).first,
            let trackingID = row.text("tracking_id"), let sealed = row.blob("sealed_receipt")
        else { return nil }
        let secret = String(decoding: try keys.open(sealed, associatedData: Array(trackingID.utf8)), as: UTF8.self)
        let requestHash = try row.blob("sealed_request_hash").map { try keys.open($0, associatedData: Array(trackingID.utf8)) }
        return (Acceptance(trackingID: trackingID, receiptSecret: secret, duplicate: true, reportersInBundle: Int(row.integer("reporters") ?? 1)), requestHash)
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
