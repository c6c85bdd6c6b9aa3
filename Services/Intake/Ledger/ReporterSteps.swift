import IblaghSchemas
import IblaghStore
import ReliableHop

/// Intake's effect for each `ReporterStatus` from the tracker: one more step on the reporter's status page.
struct ReporterSteps: HopHandler {
    static let steps: Set<String> = ["with_police", "under_investigation", "before_court", "judged", "closed"]

    func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
        let status = try envelope.payload(as: Iblagh_V1_ReporterStatus.self)
        guard Self.steps.contains(status.step) else { throw HopRejection("unknown reporter step \"\(status.step)\"") }
        try transaction.execute(
            "INSERT INTO intake_status (tracking_id, step, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(status.trackingID), .text(status.step), .real(status.at.date.timeIntervalSince1970)])
    }
}
