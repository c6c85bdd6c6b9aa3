import Foundation
import IblaghStore

/// Compares what the integrators were told (`Accepted`, by report key) with what the stores hold once the pipeline
/// has drained: intake's reports and submissions, the tracker's cases and their history, the statistics' cases.
struct Checker {
    let state: String
    let accepted: AcceptedLedger.Snapshot

    struct Verdict {
        let passed: Bool
        let report: String
    }

    /// What the stores hold now.
    struct Holdings {
        var intakeReports = Set<String>()
        var submissions: [String: String] = [:]  // this run's key -> tracking id
        var trackerCases = Set<String>()
        var openedTwice = Set<String>(), routedTwice = Set<String>(), notifiedTwice = Set<String>()
        var notified = Set<String>()
        var statisticsCases = 0
    }

    func waitAndCheck(within seconds: Double) async throws -> Verdict {
        let wanted = accepted.trackingIDs
        let deadline = Date().addingTimeInterval(seconds)
        var holdings = try await read()
        while Date() < deadline {
            if wanted.isSubset(of: holdings.trackerCases), wanted.isSubset(of: holdings.notified),
                holdings.statisticsCases >= holdings.intakeReports.count
            { break }
            try await Task.sleep(for: .seconds(1))
            holdings = try await read()
        }
        return verdict(holdings)
    }

    func verdict(_ held: Holdings) -> Verdict {
        let wanted = accepted.trackingIDs
        let runKeys = Set(accepted.byKey.keys)
        let lostAtIntake = wanted.subtracting(held.intakeReports)
        let lostAtTracker = wanted.subtracting(held.trackerCases)
        let neverNotified = wanted.subtracting(held.notified)
        let unknownAtTracker = held.trackerCases.subtracting(held.intakeReports)
        let keyMismatch = runKeys.filter { held.submissions[$0] != accepted.byKey[$0] }
        let extraReports = Set(held.submissions.values).subtracting(wanted)
        let statisticsDifference = held.statisticsCases - held.trackerCases.count
        let lost = lostAtIntake.count + lostAtTracker.count + neverNotified.count + max(0, -statisticsDifference)
        let duplicated = accepted.conflicts.count + held.openedTwice.count + held.routedTwice.count + held.notifiedTwice.count
            + unknownAtTracker.count + extraReports.count + max(0, statisticsDifference)
        let lines = [
            "checker: \(wanted.count) accepted, \(accepted.rejected.count) rejected",
            "  intake: \(held.intakeReports.count) reports; missing \(lostAtIntake.count); keys answered with another id \(keyMismatch.count); reports no key was told of \(extraReports.count)",
            "  tracker: \(held.trackerCases.count) cases; missing \(lostAtTracker.count); unknown to intake \(unknownAtTracker.count); opened twice \(held.openedTwice.count), routed twice \(held.routedTwice.count), notified twice \(held.notifiedTwice.count)",
            "  notifier: never notified \(neverNotified.count)",
            "  statistics: \(held.statisticsCases) cases counted for \(held.trackerCases.count) at the tracker",
            "  integrators: keys answered with two tracking ids \(accepted.conflicts.count)",
            "lost \(lost), duplicated \(duplicated)" + (lost + duplicated + keyMismatch.count + accepted.rejected.count == 0 ? ": PASS" : ": FAIL"),
        ]
        return Verdict(passed: lost + duplicated + keyMismatch.count + accepted.rejected.count == 0, report: lines.joined(separator: "\n"))
    }

    func read() async throws -> Holdings {
        var held = Holdings()
        let intake = try SQLiteStore(path: "\(state)/intake-1/intake.db", migrations: [])
        held.intakeReports = Set(try await intake.read { try $0.rows("SELECT tracking_id FROM intake_report") }.compactMap { $0.text("tracking_id") })
        for row in try await intake.read({ try $0.rows("SELECT client_key, tracking_id FROM intake_submission WHERE client_key LIKE 'fault-%'") }) {
            if let key = row.text("client_key"), let id = row.text("tracking_id") { held.submissions[key] = id }
        }
        let tracker = try SQLiteStore(path: "\(state)/tracker-1/tracker.db", migrations: [])
        held.trackerCases = Set(try await tracker.read { try $0.rows("SELECT tracking_id FROM tracker_case") }.compactMap { $0.text("tracking_id") })
        let history = try await tracker.read { try $0.rows("SELECT tracking_id, kind, body FROM tracker_history WHERE kind IN ('opened', 'routed', 'unit_notified')") }
        var seen: [String: Int] = [:]
        for row in history {
            guard let id = row.text("tracking_id"), var kind = row.text("kind") else { continue }
            if kind == "unit_notified" {
                // Escalations notify again at higher levels; the unit's own notification is level 0, once.
                let body = (try? JSONSerialization.jsonObject(with: Data((row.text("body") ?? "").utf8))) as? [String: Any]
                guard (body?["level"] as? Int) == 0 else { continue }
                held.notified.insert(id)
                kind = "notified"
            }
            seen["\(kind) \(id)", default: 0] += 1
        }
        for (entry, count) in seen where count > 1 {
            let parts = entry.split(separator: " ", maxSplits: 1).map(String.init)
            switch parts[0] {
            case "opened": held.openedTwice.insert(parts[1])
            case "routed": held.routedTwice.insert(parts[1])
            default: held.notifiedTwice.insert(parts[1])
            }
        }
        let statistics = try SQLiteStore(path: "\(state)/statistics-1/statistics.db", migrations: [])
        held.statisticsCases = Int(try await statistics.read { try $0.rows("SELECT COUNT(*) AS n FROM stats_case").first?.integer("n") } ?? 0)
        return held
    }
}
