import Foundation
import IblaghSchemas
import IblaghStore
import ReliableHop
import SwiftProtobuf

/// The notifier's rules, as functions of a transaction: assign a routed case to its unit, take a unit's
/// acknowledgement and contact, and escalate what passed its deadline. Each step records its event for the tracker
/// (through the outbox) and, for units with a webhook, a delivery.
struct CaseAssignments: Sendable {
    let directory: UnitDirectory
    let producer: String
    static let trackerGroup = "tracker"

    /// A console's request could not be carried out.
    struct Refusal: Error {
        let code: String
        let reason: String
    }

    // MARK: Routed cases

    func assign(_ routed: Iblagh_V1_CaseRouted, version: Int, now: Date, in transaction: any StoreTransaction) throws {
        let unit = routed.territorialUnit.id
        guard !unit.isEmpty else { throw HopRejection("CaseRouted without a territorial unit") }
        let existing = try transaction.rows("SELECT routed_version FROM notifier_case WHERE tracking_id = ?", [.text(routed.trackingID)]).first
        if let existing, Int(existing.integer("routed_version") ?? 0) >= version { return }  // an older decision, or this one again
        try transaction.execute(
            """
            INSERT INTO notifier_case (tracking_id, category, priority, region, competent_unit, explanation, routed_version, state, level)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'notified', 0)
            ON CONFLICT (tracking_id) DO UPDATE SET competent_unit = excluded.competent_unit, explanation = excluded.explanation,
                routed_version = excluded.routed_version, region = excluded.region, priority = excluded.priority, state = 'notified',
                level = 0, acknowledged_unit = NULL, acknowledged_at = NULL, contacted_at = NULL
            """,
            [.text(routed.trackingID), .integer(Int64(routed.category.rawValue)), .integer(Int64(routed.priority.rawValue)),
             .text(routed.regionCode), .text(unit), .text(routed.explanation), .integer(Int64(version))])
        let deadlines = directory.deadlines(unit: unit, priority: routed.priority)
        try tell(unit, routed.territorialUnit.name, case: routed.trackingID, level: 0, priority: routed.priority, now: now, in: transaction)
        try setDeadline(routed.trackingID, "acknowledge", now.addingTimeInterval(deadlines.acknowledgeSeconds), in: transaction)
        // National units added by a rule (terrorism) are told too; the deadline follows the competent unit.
        for added in routed.additionalUnits where added.id != unit {
            try tell(added.id, added.name, case: routed.trackingID, level: 0, priority: routed.priority, now: now, in: transaction)
        }
    }

    /// Records that `unit` was told (console and, if configured, webhook) and emits `UnitNotified`.
    private func tell(_ unit: String, _ name: String, case trackingID: String, level: Int, priority: Iblagh_V1_Priority, now: Date, in transaction: any StoreTransaction) throws {
        let deadlines = directory.deadlines(unit: unit, priority: priority)
        let acknowledgeBy = now.addingTimeInterval(deadlines.acknowledgeSeconds), contactBy = now.addingTimeInterval(deadlines.contactSeconds)
        let inserted = try transaction.execute(
            """
            INSERT INTO notifier_assignment (tracking_id, unit_id, level, notified_at, acknowledge_by, contact_by)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """,
            [.text(trackingID), .text(unit), .integer(Int64(level)), .real(now.timeIntervalSince1970),
             .real(acknowledgeBy.timeIntervalSince1970), .real(contactBy.timeIntervalSince1970)])
        guard inserted == 1 else { return }
        let webhook = directory.webhook(of: unit)
        let notified = Iblagh_V1_UnitNotified.with {
            $0.trackingID = trackingID
            $0.unit = .with { $0.id = unit; $0.name = name }
            $0.deliveryChannel = webhook == nil ? .console : .webhook
            $0.escalationLevel = UInt32(level)
            $0.notifiedAt = .init(date: now)
            $0.acknowledgeBy = .init(date: acknowledgeBy)
        }
        try emit(notified, id: "unit-notified:\(trackingID):\(unit):\(level)", in: transaction)
        if webhook != nil {
            let body = try JSONSerialization.data(withJSONObject: [
                "delivery_id": "\(trackingID):\(unit):\(level)", "tracking_id": trackingID, "unit_id": unit, "escalation_level": level,
                "notified_at": ISO8601DateFormatter().string(from: now), "acknowledge_by": ISO8601DateFormatter().string(from: acknowledgeBy),
                "priority": priority == .urgent ? "urgent" : "normal",
            ], options: [.sortedKeys])
            try transaction.execute(
                "INSERT INTO notifier_webhook (delivery_id, unit_id, body, attempts, next_attempt_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT DO NOTHING",
                [.text("\(trackingID):\(unit):\(level)"), .text(unit), .blob([UInt8](body)), .real(now.timeIntervalSince1970)])
        }
    }

    private func setDeadline(_ trackingID: String, _ kind: String, _ due: Date, in transaction: any StoreTransaction) throws {
        try transaction.execute(
            "INSERT INTO notifier_deadline (tracking_id, kind, due_at) VALUES (?, ?, ?) ON CONFLICT (tracking_id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at",
            [.text(trackingID), .text(kind), .real(due.timeIntervalSince1970)])
    }

    private func emit(_ payload: some BusPayload, id: String, in transaction: any StoreTransaction) throws {
        try Outbox.enqueue(Iblagh_V1_Envelope(wrapping: payload, messageID: id, producer: producer), for: [Self.trackerGroup], in: transaction)
    }

    // MARK: Deadlines

    /// Escalates every case whose deadline passed by `now`: the next unit in the chain is told and gets its own
    /// deadline. Returns how many escalations were made.
    func escalateDue(now: Date, in transaction: any StoreTransaction) throws -> Int {
        let due = try transaction.rows(
            """
            SELECT d.tracking_id, d.kind, c.priority, c.region, c.competent_unit, c.level, c.acknowledged_unit FROM notifier_deadline d
            JOIN notifier_case c ON c.tracking_id = d.tracking_id WHERE d.due_at <= ? ORDER BY d.due_at LIMIT 500
            """, [.real(now.timeIntervalSince1970)])
        var escalations = 0
        for row in due {
            guard let trackingID = row.text("tracking_id"), let kind = row.text("kind") else { continue }
            let priority = Iblagh_V1_Priority(rawValue: Int(row.integer("priority") ?? 1)) ?? .normal
            let region = row.text("region") ?? "", level = Int(row.integer("level") ?? 0)
            let chain = directory.chain(of: row.text("competent_unit") ?? "", region: region)
            let from = kind == "contact" ? (row.text("acknowledged_unit") ?? chain[min(level, chain.count - 1)]) : chain[min(level, chain.count - 1)]
            guard level + 1 < chain.count else {
                // The end of the chain: the national unit holds it; nothing further to tell.
                try transaction.execute("DELETE FROM notifier_deadline WHERE tracking_id = ?", [.text(trackingID)])
                continue
            }
            let next = chain[level + 1]
            try transaction.execute("UPDATE notifier_case SET level = ? WHERE tracking_id = ?", [.integer(Int64(level + 1)), .text(trackingID)])
            let escalated = Iblagh_V1_Escalated.with {
                $0.trackingID = trackingID
                $0.fromUnit = .with { $0.id = from }
                $0.toUnit = .with { $0.id = next }
                $0.level = UInt32(level + 1)
                $0.reason = kind == "contact" ? .contactDeadlineMissed : .acknowledgeDeadlineMissed
                $0.escalatedAt = .init(date: now)
            }
            try emit(escalated, id: "escalated:\(trackingID):\(level + 1)", in: transaction)
            try tell(next, next, case: trackingID, level: level + 1, priority: priority, now: now, in: transaction)
            let deadlines = directory.deadlines(unit: next, priority: priority)
            try setDeadline(trackingID, kind, now.addingTimeInterval(kind == "contact" ? deadlines.contactSeconds : deadlines.acknowledgeSeconds), in: transaction)
            escalations += 1
        }
        return escalations
    }

    // MARK: Console actions

    /// The case as `unit` may see it; refused when no assignment of it went to `unit`.
    func view(_ trackingID: String, for unit: String, in transaction: any StoreTransaction) throws -> Iblagh_V1_ConsoleCase {
        guard let row = try transaction.rows(
            """
            SELECT c.tracking_id, c.category, c.priority, c.state, c.explanation, a.level, a.notified_at, a.acknowledge_by, a.contact_by
            FROM notifier_case c JOIN notifier_assignment a ON a.tracking_id = c.tracking_id
            WHERE c.tracking_id = ? AND a.unit_id = ? ORDER BY a.level DESC LIMIT 1
            """, [.text(trackingID), .text(unit)]).first
        else { throw Refusal(code: "not_your_case", reason: "no case with this tracking id is assigned to your unit") }
        return Self.consoleCase(row)
    }

    func openCases(for unit: String, in transaction: any StoreTransaction) throws -> [Iblagh_V1_ConsoleCase] {
        try transaction.rows(
            """
            SELECT c.tracking_id, c.category, c.priority, c.state, c.explanation, MAX(a.level) AS level, MIN(a.notified_at) AS notified_at,
                MAX(a.acknowledge_by) AS acknowledge_by, MAX(a.contact_by) AS contact_by
            FROM notifier_assignment a JOIN notifier_case c ON c.tracking_id = a.tracking_id
            WHERE a.unit_id = ? AND c.state != 'contacted' GROUP BY c.tracking_id ORDER BY notified_at LIMIT 1000
            """, [.text(unit)]).map(Self.consoleCase)
    }

    func acknowledge(_ trackingID: String, unit: String, officer: String, now: Date, in transaction: any StoreTransaction) throws -> Iblagh_V1_ConsoleCase {
        var seen = try view(trackingID, for: unit, in: transaction)
        let acknowledgedBy = try transaction.rows("SELECT acknowledged_unit FROM notifier_case WHERE tracking_id = ?", [.text(trackingID)]).first?.text("acknowledged_unit")
        switch seen.state {
        case "notified": break
        case "acknowledged" where acknowledgedBy == unit: return seen  // a retried acknowledgement
        default: throw Refusal(code: "invalid_state", reason: "the case is already \(seen.state)")
        }
        let contactBy = Date(timeIntervalSince1970: seen.contactBy.date.timeIntervalSince1970)
        try transaction.execute(
            "UPDATE notifier_case SET state = 'acknowledged', acknowledged_unit = ?, acknowledged_at = ? WHERE tracking_id = ?",
            [.text(unit), .real(now.timeIntervalSince1970), .text(trackingID)])
        try setDeadline(trackingID, "contact", max(contactBy, now), in: transaction)
        try emit(Iblagh_V1_UnitAcknowledged.with {
            $0.trackingID = trackingID
            $0.unit = .with { $0.id = unit }
            $0.officerID = officer
            $0.acknowledgedAt = .init(date: now)
        }, id: "unit-acknowledged:\(trackingID)", in: transaction)
        seen.state = "acknowledged"
        return seen
    }

    func recordContact(
        _ trackingID: String, unit: String, officer: String, method: Iblagh_V1_ComplainantContacted.ContactMethod, now: Date,
        in transaction: any StoreTransaction
    ) throws -> Iblagh_V1_ConsoleCase {
        var seen = try view(trackingID, for: unit, in: transaction)
        switch seen.state {
        case "acknowledged": break
        case "contacted": return seen
        default: throw Refusal(code: "invalid_state", reason: "acknowledge the case before recording the contact")
        }
        try transaction.execute("UPDATE notifier_case SET state = 'contacted', contacted_at = ? WHERE tracking_id = ?", [.real(now.timeIntervalSince1970), .text(trackingID)])
        try transaction.execute("DELETE FROM notifier_deadline WHERE tracking_id = ?", [.text(trackingID)])
        try emit(Iblagh_V1_ComplainantContacted.with {
            $0.trackingID = trackingID
            $0.unit = .with { $0.id = unit }
            $0.officerID = officer
            $0.method = method
            $0.contactedAt = .init(date: now)
        }, id: "complainant-contacted:\(trackingID)", in: transaction)
        seen.state = "contacted"
        return seen
    }

    /// At most this many assignments per read of ``assignments(after:in:)``.
    static let pushLimit = 1000

    /// Assignments made after `seq`, for pushing to watching consoles: (seq, unit, case).
    func assignments(after seq: Int64, in transaction: any StoreTransaction) throws -> [(seq: Int64, unit: String, case: Iblagh_V1_ConsoleCase)] {
        try transaction.rows(
            """
            SELECT a.seq, a.unit_id, c.tracking_id, c.category, c.priority, c.state, c.explanation, a.level, a.notified_at, a.acknowledge_by, a.contact_by
            FROM notifier_assignment a JOIN notifier_case c ON c.tracking_id = a.tracking_id WHERE a.seq > ? ORDER BY a.seq LIMIT ?
            """, [.integer(seq), .integer(Int64(Self.pushLimit))]).map { ($0.integer("seq") ?? 0, $0.text("unit_id") ?? "", Self.consoleCase($0)) }
    }

    static func consoleCase(_ row: StoreRow) -> Iblagh_V1_ConsoleCase {
        .with {
            $0.trackingID = row.text("tracking_id") ?? ""
            $0.category = Iblagh_V1_ReportCategory(rawValue: Int(row.integer("category") ?? 0)) ?? .unspecified
            $0.priority = Iblagh_V1_Priority(rawValue: Int(row.integer("priority") ?? 0)) ?? .unspecified
            $0.state = row.text("state") ?? ""
            $0.escalationLevel = UInt32(row.integer("level") ?? 0)
            $0.notifiedAt = .init(date: Date(timeIntervalSince1970: row.real("notified_at") ?? 0))
            $0.acknowledgeBy = .init(date: Date(timeIntervalSince1970: row.real("acknowledge_by") ?? 0))
            $0.contactBy = .init(date: Date(timeIntervalSince1970: row.real("contact_by") ?? 0))
            $0.routingExplanation = row.text("explanation") ?? ""
        }
    }
}
