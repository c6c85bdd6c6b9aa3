import IblaghSchemas
import IblaghStore
import Jurisdiction
import RoutingLedger
import ReliableHop

/// The router's effect for each `ReportAccepted`: decide with the current reference data, record, publish.
struct RouteReports: HopHandler {
    let reference: ReferenceData
    let producer: String

    func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
        let report = try envelope.payload(as: Iblagh_V1_ReportAccepted.self)
        guard !report.trackingID.isEmpty else { throw HopRejection("ReportAccepted without a tracking id") }
        let decision = reference.rules.decide(
            residence: report.residence, country: report.residenceCountry, category: report.category, victimIsMinor: report.victimIsMinor)
        try RoutingLedger.record(
            decision, trackingID: report.trackingID, category: report.category, victimIsMinor: report.victimIsMinor,
            decidedBy: producer, reason: "", producer: producer, in: transaction)
        RouterMetrics.shared.decided(decision)
    }
}
