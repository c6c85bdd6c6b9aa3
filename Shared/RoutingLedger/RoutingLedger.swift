import Foundation
import IblaghSchemas
import IblaghStore
import Jurisdiction
import ReliableHop

/// Records routing decisions and publishes them (`CaseRouted` to the notifier and the tracker) in the same
/// transaction. Shared by the router's consumer (first decisions) and `iblagh reroute` (corrections).
public enum RoutingLedger {
    /// The consumer groups of a `CaseRouted`: the notifier of the case's region (`notifier:04`; `notifier:national`
    /// for cases the national unit takes) and the tracker.
    public static func groups(region: String) -> [String] {
        ["notifier:\(region.isEmpty ? "national" : region)", "tracker"]
    }

    /// Whether `group` may consume `CaseRouted`.
    public static func isConsumerGroup(_ group: String) -> Bool {
        group == "tracker" || (group.hasPrefix("notifier:") && group.count > "notifier:".count)
    }

    /// Stores `decision` as the next version for `trackingID` and enqueues its `CaseRouted`; returns the version.
    @discardableResult
    public static func record(
        _ decision: RoutingDecision, trackingID: String, category: Iblagh_V1_ReportCategory, victimIsMinor: Bool,
        decidedBy: String, reason: String, producer: String, now: Date = Date(), in transaction: any StoreTransaction
    ) throws -> Int {
        let latest = try transaction.rows("SELECT MAX(version) AS v FROM router_decision WHERE tracking_id = ?", [.text(trackingID)]).first?.integer("v") ?? 0
        let version = Int(latest) + 1
        try transaction.execute(
            """
            INSERT INTO router_decision (tracking_id, version, decided_at, category, victim_is_minor, territorial_unit,
                prosecution_office, province_code, priority, rule_codes, explanation, data_version, decided_by, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(trackingID), .integer(Int64(version)), .real(now.timeIntervalSince1970), .integer(Int64(category.rawValue)),
             .integer(victimIsMinor ? 1 : 0), .text(decision.territorialUnit.id), .text(decision.prosecutionOffice?.id ?? ""),
             .text(decision.provinceCode), .integer(Int64(decision.priority.rawValue)), .text(decision.ruleCodes.joined(separator: ",")),
             .text(decision.explanation), .text(decision.dataVersion), .text(decidedBy), .text(reason)])
        var routed = decision.caseRouted(trackingID: trackingID, category: category)
        routed.routedAt = .init(date: now)
        try Outbox.enqueue(
            Iblagh_V1_Envelope(wrapping: routed, messageID: "case-routed:\(trackingID):\(version)", producer: producer),
            for: groups(region: decision.regionCode), in: transaction)
        return version
    }
}
