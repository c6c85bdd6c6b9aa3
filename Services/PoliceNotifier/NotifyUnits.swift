import IblaghSchemas
import IblaghStore
import ReliableHop

/// The notifier's effect for each `CaseRouted`: assign the case to its unit, with its deadline.
struct NotifyUnits: HopHandler {
    let assignments: CaseAssignments
    let clock: any NotifierClock

    func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
        let routed = try envelope.payload(as: Iblagh_V1_CaseRouted.self)
        guard !routed.trackingID.isEmpty else { throw HopRejection("CaseRouted without a tracking id") }
        // "case-routed:TRACKING:VERSION": a re-routing (higher version) replaces the assignment; an older one is ignored.
        let version = envelope.messageID.split(separator: ":").last.flatMap { Int($0) } ?? 1
        try assignments.assign(routed, version: version, now: clock.now(), in: transaction)
    }
}
