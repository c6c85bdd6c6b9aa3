import Foundation
import IblaghSchemas
import IblaghStore
import TestSupport
@testable import ProsecutionTracker

/// The case file driven in process, on a real SQLite store, for the tests that look at what one event writes.
extension CaseFile {
    /// A case file with a fixed fact key.
    static let inProcess = CaseFile(producer: "tracker", factKey: Array(repeating: 7, count: 32))

    /// A new, empty case file store in a folder of its own.
    static func freshStore(_ test: String = #function) throws -> SQLiteStore {
        try SQLiteStore(path: "\(try temporaryDirectory(test))/tracker.db", migrations: TrackerSchema.migrations)
    }

    /// Applies `payload`, as one event from the bus, in a transaction of its own.
    func apply(_ payload: some BusPayload, in store: SQLiteStore) async throws {
        let envelope = try Iblagh_V1_Envelope(wrapping: payload, messageID: "test:\(UUID().uuidString)", producer: "test")
        _ = try await store.write { [self] in try apply(envelope, now: Date(), in: $0) }
    }
}
