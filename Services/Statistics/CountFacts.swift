import IblaghSchemas
import IblaghStore
import ReliableHop
import Statistics

/// The statistics service's effect for each `CaseFact` from the trackers.
struct CountFacts: HopHandler {
    func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
        let fact = try envelope.payload(as: Iblagh_V1_CaseFact.self)
        guard !fact.caseKey.isEmpty else { throw HopRejection("CaseFact without a case key") }
        try FactTable.apply(fact, in: transaction)
    }
}
