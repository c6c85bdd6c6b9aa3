import Foundation
import IblaghSchemas
import IblaghStore
import ReliableHop

/// The tracker's effect for each event of the other stages (intake, routers, notifiers).
struct TrackEvents: HopHandler {
    let file: CaseFile

    func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
        try file.apply(envelope, now: Date(), in: transaction)
    }
}
