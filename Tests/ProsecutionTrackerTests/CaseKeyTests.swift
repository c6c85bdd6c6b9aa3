import Foundation
import IblaghSchemas
import IblaghStore
@testable import ProsecutionTracker
import Testing
import TestSupport

/// The key statistics knows a case by, in process on a real SQLite store.
@Suite("Case keys of facts")
struct CaseKeyTests {
    let file = CaseFile.inProcess

    @Test("cases reported in order have keys in order, each case keeps its key, and the key hides the tracking id's random part")
    func keysFollowTheReportingOrder() async throws {
        let store = try CaseFile.freshStore()
        // Issued in this order: the millisecond of the year, then 25 random bits (which must not decide the order).
        let ids = ["IBL-2026-0Q3K7XWZZZZZ", "IBL-2026-0Q3K7XX00000", "IBL-2026-0Q3K7Y0MMMMM"]
        for id in ids {
            try await file.apply(Iblagh_V1_CaseOpened.with { $0.trackingID = id; $0.category = .sextortion }, in: store)
            try await file.apply(Iblagh_V1_CaseRouted.with { $0.trackingID = id; $0.category = .sextortion; $0.regionCode = "04" }, in: store)
        }
        let facts = try await sentFacts(in: store)
        #expect(facts.count == 6)
        let keys = ids.map { id in Set(facts.filter { $0.caseKey.contains(file.hashedKey(id)) }.map(\.caseKey)) }
        #expect(keys.allSatisfy { $0.count == 1 }, "each case's facts carry one key: \(keys)")
        let ordered = keys.compactMap(\.first)
        #expect(ordered == ordered.sorted(), "keys sort as the cases were reported: \(ordered)")
        #expect(ordered.first == "2026-0Q3K7XW.\(file.hashedKey(ids[0]))")
        for (id, key) in zip(ids, ordered) { #expect(!key.contains(id.suffix(5)), "the random part of \(id) is not in its key") }
    }

    @Test("a case opened before keys carried the time keeps its hashed key for its later facts")
    func anEarlierCaseKeepsItsKey() async throws {
        let store = try CaseFile.freshStore()
        let id = "IBL-2026-0Q3K7XWABCDE"
        // As the tracker-2 migration leaves a case written before it: no stored key.
        _ = try await store.write { transaction in
            try transaction.execute(
                "INSERT INTO tracker_case (tracking_id, state, category, reported_at, updated_at) VALUES (?, 1, 1, 0, 0)", [.text(id)])
        }
        try await file.apply(Iblagh_V1_CaseRouted.with { $0.trackingID = id; $0.category = .sextortion; $0.regionCode = "04" }, in: store)
        #expect(try await sentFacts(in: store).map(\.caseKey) == [file.hashedKey(id)])
    }

    private func sentFacts(in store: SQLiteStore) async throws -> [Iblagh_V1_CaseFact] {
        try await store.read { transaction in
            try transaction.rows("SELECT envelope FROM hop_outbox ORDER BY seq", []).compactMap { row in
                let envelope = try Iblagh_V1_Envelope(frame: row.blob("envelope") ?? [])
                return envelope.type == .caseFact ? try envelope.payload(as: Iblagh_V1_CaseFact.self) : nil
            }
        }
    }
}
