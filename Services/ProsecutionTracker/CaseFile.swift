import Foundation
import Hexadecimal
import IblaghCrypto
import IblaghSchemas
import CaseHistory
import IblaghStore
import ReliableHop
import SwiftProtobuf

/// The system of record for each case, as functions of a transaction: events from the other stages and commands
/// from officers and prosecutors change a case, and every change appends to the history, sends the anonymised fact
/// to statistics and the coarse step to the reporter's status page — in the same transaction.
struct CaseFile: Sendable {
    let producer: String
    /// Keys the case keys of facts (HMAC of the tracking id): stable per case, useless to find it.
    let factKey: [UInt8]
    static let statisticsGroup = "statistics"
    static let intakeGroup = "intake"

    struct Case {
        var trackingID: String
        var state: Iblagh_V1_CaseState
        var category: Iblagh_V1_ReportCategory
        var priority: Iblagh_V1_Priority
        var region: String
        var unitID: String
        var unitName: String
        var officeID: String
        var officeName: String
        var acknowledgedUnit: String
        var bundledInto: String
        var reportedAt: Double
        /// The key statistics knows the case by (``CaseFile/caseKey(_:)``), chosen when the case is first written.
        var caseKey: String
        /// Where the case's history chain ends.
        var history: HistoryChain.Head
    }

    // MARK: Reading and writing a case

    func load(_ trackingID: String, in transaction: any StoreTransaction) throws -> Case? {
        guard let row = try transaction.rows("SELECT * FROM tracker_case WHERE tracking_id = ?", [.text(trackingID)]).first else { return nil }
        return Case(
            trackingID: trackingID, state: .init(rawValue: Int(row.integer("state") ?? 1)) ?? .received,
            category: .init(rawValue: Int(row.integer("category") ?? 0)) ?? .unspecified, priority: .init(rawValue: Int(row.integer("priority") ?? 0)) ?? .unspecified,
            region: row.text("region") ?? "", unitID: row.text("unit_id") ?? "", unitName: row.text("unit_name") ?? "",
            officeID: row.text("office_id") ?? "", officeName: row.text("office_name") ?? "", acknowledgedUnit: row.text("acknowledged_unit") ?? "",
            bundledInto: row.text("bundled_into") ?? "", reportedAt: row.real("reported_at") ?? 0,
            caseKey: row.text("case_key").flatMap { $0.isEmpty ? nil : $0 } ?? hashedKey(trackingID),
            history: row.integer("history_seq").flatMap { $0 > 0 ? HistoryChain.Head(caseSeq: $0, hash: row.text("history_hash") ?? "") : nil } ?? .empty)
    }

    private func loadOrCreate(_ trackingID: String, now: Date, in transaction: any StoreTransaction) throws -> Case {
        try load(trackingID, in: transaction) ?? Case(
            trackingID: trackingID, state: .received, category: .unspecified, priority: .unspecified, region: "", unitID: "", unitName: "",
            officeID: "", officeName: "", acknowledgedUnit: "", bundledInto: "", reportedAt: 0, caseKey: caseKey(trackingID), history: .empty)
    }

    private func save(_ file: Case, now: Date, in transaction: any StoreTransaction) throws {
        try transaction.execute(
            """
            INSERT INTO tracker_case (tracking_id, state, category, priority, region, unit_id, unit_name, office_id, office_name,
                acknowledged_unit, bundled_into, reported_at, updated_at, case_key, history_seq, history_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tracking_id) DO UPDATE SET state = excluded.state, category = excluded.category, priority = excluded.priority,
                region = excluded.region, unit_id = excluded.unit_id, unit_name = excluded.unit_name, office_id = excluded.office_id,
                office_name = excluded.office_name, acknowledged_unit = excluded.acknowledged_unit, bundled_into = excluded.bundled_into,
                reported_at = excluded.reported_at, updated_at = excluded.updated_at, history_seq = excluded.history_seq,
                history_hash = excluded.history_hash
            """,
            [.text(file.trackingID), .integer(Int64(file.state.rawValue)), .integer(Int64(file.category.rawValue)), .integer(Int64(file.priority.rawValue)),
             .text(file.region), .text(file.unitID), .text(file.unitName), .text(file.officeID), .text(file.officeName),
             .text(file.acknowledgedUnit), .text(file.bundledInto), .real(file.reportedAt), .real(now.timeIntervalSince1970), .text(file.caseKey),
             .integer(file.history.caseSeq), .text(file.history.hash)])
    }

    /// Records `body` in the history, moves the case to `state` (sending the fact and the reporter's step when the
    /// stage is new) and saves it.
    func record(_ file: Case, kind: String, body: HistoryBody, to state: Iblagh_V1_CaseState, now: Date, in transaction: any StoreTransaction) throws {
        var file = file
        let reached = state != file.state
        file.state = state
        file.history = try HistoryChain.append(
            file.trackingID, after: file.history, kind: kind, body: body.merging(["state": CaseLifecycle.name(state)]) { $1 }, at: now, in: transaction)
        try save(file, now: now, in: transaction)
        guard reached else { return }
        try sendFact(file, stage: state, now: now, in: transaction)
        if let step = CaseLifecycle.reporterStep(state) {
            let status = Iblagh_V1_ReporterStatus.with {
                $0.trackingID = file.trackingID
                $0.step = step
                $0.at = .init(date: now)
            }
            try Outbox.enqueue(
                Iblagh_V1_Envelope(wrapping: status, messageID: "reporter-status:\(file.trackingID):\(step)", producer: producer),
                for: [Self.intakeGroup], in: transaction)
        }
    }

    /// The anonymised fact for the stage `file` reached: no tracking id, names, contacts or text.
    func fact(_ file: Case, persons: (prosecuted: Int, convicted: Int, acquitted: Int), now: Date) -> Iblagh_V1_CaseFact {
        .with {
            $0.caseKey = file.caseKey
            $0.category = file.category
            $0.priority = file.priority
            $0.regionCode = file.region
            $0.prosecutionOfficeID = file.officeID
            $0.stage = file.state
            $0.reportedAt = .init(date: Date(timeIntervalSince1970: file.reportedAt))
            $0.stageReachedAt = .init(date: now)
            $0.personsProsecuted = UInt32(persons.prosecuted)
            $0.personsConvicted = UInt32(persons.convicted)
            $0.personsAcquitted = UInt32(persons.acquitted)
        }
    }

    /// The key of a new case's facts: the tracking id's year and millisecond, then the keyed hash of the whole id
    /// ("2026-0Q3K7XW.9f2c…"). Statistics keeps its cases, stages and inbox by this key; with the hash alone every fact
    /// went to a random page of each of those indexes (and of the tracker's outbox ids), so a commit of a few facts
    /// wrote a dozen pages. Cases in the order they were reported now sit together at the end. The prefix tells
    /// statistics nothing it does not store anyway (the time of reporting); the hash still cannot be traced back to
    /// the tracking id without the tracker's key. An id of another shape is keyed by its hash alone.
    func caseKey(_ trackingID: String) -> String {
        let parts = trackingID.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "IBL", parts[1].count == 4, parts[2].count == 12 else { return hashedKey(trackingID) }
        return "\(parts[1])-\(parts[2].prefix(7)).\(hashedKey(trackingID))"
    }

    /// The keyed hash of a tracking id (HMAC-SHA-256 under the fact key, 16 bytes in hex): alone, the key of the cases
    /// opened before keys carried the time (kept as they were, so their figures stay whole).
    func hashedKey(_ trackingID: String) -> String {
        Hex.string(HMACSHA256.authenticationCode(for: Array(trackingID.utf8), key: factKey).prefix(16))
    }

    /// Sends the fact that `file` (as it stands now) reached `stage`.
    private func sendFact(_ file: Case, stage: Iblagh_V1_CaseState, now: Date, in transaction: any StoreTransaction) throws {
        let counts = CaseLifecycle.mayHavePersons(file.state) ? try personCounts(file.trackingID, in: transaction) : (0, 0, 0)
        var reached = file
        reached.state = stage
        try Outbox.enqueue(
            Iblagh_V1_Envelope(wrapping: fact(reached, persons: counts, now: now), messageID: "case-fact:\(file.caseKey):\(stage.rawValue)", producer: producer),
            for: [Self.statisticsGroup], in: transaction)
    }

    func personCounts(_ trackingID: String, in transaction: any StoreTransaction) throws -> (prosecuted: Int, convicted: Int, acquitted: Int) {
        let row = try transaction.rows(
            """
            SELECT COUNT(*) AS n, SUM(CASE WHEN verdict = 1 THEN 1 ELSE 0 END) AS convicted, SUM(CASE WHEN verdict = 2 THEN 1 ELSE 0 END) AS acquitted
            FROM tracker_person WHERE tracking_id = ?
            """, [.text(trackingID)]).first
        return (Int(row?.integer("n") ?? 0), Int(row?.integer("convicted") ?? 0), Int(row?.integer("acquitted") ?? 0))
    }

    // MARK: Events from the other stages

    func apply(_ envelope: Iblagh_V1_Envelope, now: Date, in transaction: any StoreTransaction) throws {
        switch envelope.type {
        case .caseOpened:
            let opened = try envelope.payload(as: Iblagh_V1_CaseOpened.self)
            var file = try loadOrCreate(opened.trackingID, now: now, in: transaction)
            file.category = opened.category
            file.reportedAt = opened.submittedAt.date.timeIntervalSince1970
            if file.priority == .unspecified { file.priority = opened.victimIsMinor ? .urgent : .normal }
            try record(file, kind: "opened", body: [
                "category": opened.category.shortName, "channel": opened.channel.rawValue, "victim_is_minor": opened.victimIsMinor,
                "reporter_anonymous": opened.reporterAnonymous, "evidence_sha256": opened.evidenceSha256,
                "reported_accounts": opened.reportedAccountCount, "bundle_id": opened.bundleID, "reporters_in_bundle": opened.reportersInBundle,
            ], to: file.state, now: now, in: transaction)
            // RECEIVED is the first stage: its fact goes out with the opening, whatever arrived before.
            try sendFact(file, stage: .received, now: now, in: transaction)
        case .caseRouted:
            let routed = try envelope.payload(as: Iblagh_V1_CaseRouted.self)
            var file = try loadOrCreate(routed.trackingID, now: now, in: transaction)
            file.category = routed.category
            file.priority = routed.priority
            file.region = routed.regionCode
            file.unitID = routed.territorialUnit.id
            file.unitName = routed.territorialUnit.name
            file.officeID = routed.prosecutionOffice.id
            file.officeName = routed.prosecutionOffice.name
            try recordEvent(file, kind: "routed", body: [
                "unit": routed.territorialUnit.id, "prosecution_office": routed.prosecutionOffice.id, "region": routed.regionCode,
                "rules": routed.ruleCodes, "reference_data": routed.referenceDataVersion, "message_id": envelope.messageID,
            ], now: now, in: transaction)
        case .unitNotified:
            let notified = try envelope.payload(as: Iblagh_V1_UnitNotified.self)
            let file = try loadOrCreate(notified.trackingID, now: now, in: transaction)
            try recordEvent(file, kind: "unit_notified", body: ["unit": notified.unit.id, "level": notified.escalationLevel, "channel": notified.deliveryChannel.rawValue],
                            now: now, in: transaction)
        case .unitAcknowledged:
            let acknowledged = try envelope.payload(as: Iblagh_V1_UnitAcknowledged.self)
            var file = try loadOrCreate(acknowledged.trackingID, now: now, in: transaction)
            file.acknowledgedUnit = acknowledged.unit.id
            try recordEvent(file, kind: "acknowledged", body: ["unit": acknowledged.unit.id, "officer": acknowledged.officerID], now: now, in: transaction)
        case .escalated:
            let escalated = try envelope.payload(as: Iblagh_V1_Escalated.self)
            let file = try loadOrCreate(escalated.trackingID, now: now, in: transaction)
            try record(file, kind: "escalated", body: ["from": escalated.fromUnit.id, "to": escalated.toUnit.id, "level": escalated.level, "reason": escalated.reason.rawValue],
                       to: file.state, now: now, in: transaction)
        case .complainantContacted:
            let contacted = try envelope.payload(as: Iblagh_V1_ComplainantContacted.self)
            let file = try loadOrCreate(contacted.trackingID, now: now, in: transaction)
            try recordEvent(file, kind: "complainant_contacted", body: ["unit": contacted.unit.id, "officer": contacted.officerID, "method": contacted.method.rawValue],
                            now: now, in: transaction)
        default:
            throw HopRejection("the tracker does not take \(envelope.type)")
        }
    }

    /// Records an event of the stage its `kind` stands for (``CaseLifecycle/eventStages``), moving the case there if it
    /// is behind. Events come through different hops, so out of order: a unit can be notified (notifier → tracker)
    /// before the routing reaches the tracker (router → tracker). The case then moves past ROUTED without it, and the
    /// late routing still sends ROUTED's fact — with the region and office it brings — or statistics would count
    /// fewer cases routed than notified, and place some in no region.
    private func recordEvent(_ file: Case, kind: String, body: HistoryBody, now: Date, in transaction: any StoreTransaction) throws {
        guard let stage = CaseLifecycle.eventStages[kind] else { preconditionFailure("\(kind) is not an event's kind") }
        try record(file, kind: kind, body: body, to: CaseLifecycle.afterEvent(file.state, reaching: stage), now: now, in: transaction)
        if CaseLifecycle.hasPassed(file.state, stage) { try sendFact(file, stage: stage, now: now, in: transaction) }
    }
}

extension CaseFile {
    /// Sends again, for every case, the fact of every stage it reached (dates from its history), so a statistics
    /// store rebuilt from nothing gets the same figures. The replay's messages have ids of their own (the originals
    /// may still be in the outbox, already acknowledged); a statistics store that has the facts already is not
    /// changed by them (a case reaches a stage once). Returns how many facts were enqueued.
    func replayFacts(now: Date, in transaction: any StoreTransaction) throws -> Int {
        let stateNames = Dictionary(uniqueKeysWithValues: (CaseLifecycle.path + [.dismissed, .bundled]).map { (CaseLifecycle.name($0), $0) })
        var sent = 0
        for row in try transaction.rows("SELECT tracking_id FROM tracker_case ORDER BY tracking_id", []) {
            guard let trackingID = row.text("tracking_id"), var file = try load(trackingID, in: transaction) else { continue }
            let counts = try personCounts(trackingID, in: transaction)
            var reached: [(Iblagh_V1_CaseState, Double)] = [(.received, file.reportedAt)]
            for entry in try transaction.rows("SELECT at_us, kind, body FROM tracker_history WHERE tracking_id = ? ORDER BY case_seq", [.text(trackingID)]) {
                guard let body = entry.text("body").flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }),
                    let name = body["state"] as? String, let state = stateNames[name]
                else { continue }
                let at = Double(entry.integer("at_us") ?? 0) / 1_000_000
                // The state the entry left the case in, and the stage of a late event (recorded past its stage).
                var stages = [state]
                if let stage = entry.text("kind").flatMap({ CaseLifecycle.eventStages[$0] }), CaseLifecycle.hasPassed(state, stage) { stages.append(stage) }
                for stage in stages where !reached.contains(where: { $0.0 == stage }) { reached.append((stage, at)) }
            }
            let key = file.caseKey
            for (state, at) in reached {
                file.state = state
                let fact = fact(file, persons: counts, now: Date(timeIntervalSince1970: at))
                if try Outbox.enqueue(Iblagh_V1_Envelope(wrapping: fact, messageID: "case-fact:\(key):\(state.rawValue):replay-\(Int(now.timeIntervalSince1970))", producer: producer),
                                      for: [Self.statisticsGroup], in: transaction) { sent += 1 }
            }
        }
        return sent
    }
}
