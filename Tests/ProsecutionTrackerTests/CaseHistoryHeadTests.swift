import CaseHistory
import Foundation
import IblaghSchemas
import IblaghStore
@testable import ProsecutionTracker
import Testing
import TestSupport

/// Where each case's history chain ends, kept beside the case so an append reads none of its past entries; in
/// process on a real SQLite store.
@Suite("The head of a case's history chain")
struct CaseHistoryHeadTests {
    let file = CaseFile.inProcess

    @Test("each event's entry follows its case's stored head, and the chain verifies")
    func entriesFollowTheStoredHead() async throws {
        let store = try CaseFile.freshStore()
        let ids = ["IBL-2026-0Q3K7XWAAAAA", "IBL-2026-0Q3K7XWBBBBB"]
        for id in ids {
            try await file.apply(Iblagh_V1_CaseOpened.with { $0.trackingID = id; $0.category = .fraud }, in: store)
        }
        for id in ids {
            try await file.apply(Iblagh_V1_CaseRouted.with { $0.trackingID = id; $0.category = .fraud; $0.regionCode = "04" }, in: store)
            try await file.apply(Iblagh_V1_UnitNotified.with { $0.trackingID = id; $0.unit.id = "police.wilaya.kenitra" }, in: store)
        }
        try await store.read { transaction in
            for id in ids {
                let head = try #require(try transaction.rows("SELECT history_seq, history_hash FROM tracker_case WHERE tracking_id = ?", [.text(id)]).first)
                let last = try #require(try transaction.rows(
                    "SELECT case_seq, hash FROM tracker_history WHERE tracking_id = ? ORDER BY case_seq DESC LIMIT 1", [.text(id)]).first)
                #expect(head.integer("history_seq") == 3 && last.integer("case_seq") == 3)
                #expect(head.text("history_hash") == last.text("hash"))
                #expect(try HistoryChain.verify(trackingID: id, in: transaction) == nil)
            }
            #expect(try HistoryChain.verify(in: transaction) == nil)
        }
    }

    @Test("a case whose entries were written before heads were stored continues its chain after the migration")
    func anEarlierCaseContinuesItsChain() async throws {
        let path = "\(try temporaryDirectory())/tracker.db"
        let id = "IBL-2026-0Q3K7XWABCDE"
        // The case file as the tracker left it before the tracker-3 migration: a case and two entries of its chain.
        do {
            let before = try SQLiteStore(path: path, migrations: TrackerSchema.migrations.filter { $0.id != "tracker-3" })
            _ = try await before.write { transaction in
                try transaction.execute(
                    "INSERT INTO tracker_case (tracking_id, state, category, reported_at, updated_at) VALUES (?, 2, 1, 0, 0)", [.text(id)])
                var prev = HistoryChain.genesis
                for (caseSeq, kind) in [(Int64(1), "opened"), (2, "routed")] {
                    let body = "{\"state\":\"ROUTED\"}"
                    let hash = HistoryChain.digest(prev: prev, casePrev: prev, trackingID: id, caseSeq: caseSeq, atMicros: caseSeq, kind: kind, body: body)
                    try transaction.execute(
                        "INSERT INTO tracker_history (tracking_id, case_seq, at_us, kind, body, prev, case_prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [.text(id), .integer(caseSeq), .integer(caseSeq), .text(kind), .text(body), .text(prev), .text(prev), .text(hash)])
                    prev = hash
                }
            }
        }
        let store = try SQLiteStore(path: path, migrations: TrackerSchema.migrations)
        try await file.apply(Iblagh_V1_UnitNotified.with { $0.trackingID = id; $0.unit.id = "police.wilaya.kenitra" }, in: store)
        try await store.read { transaction in
            let entries = try transaction.rows("SELECT case_seq, kind FROM tracker_history WHERE tracking_id = ? ORDER BY case_seq", [.text(id)])
            #expect(entries.map { $0.integer("case_seq") } == [1, 2, 3])
            #expect(entries.last?.text("kind") == "unit_notified")
            #expect(try HistoryChain.verify(in: transaction) == nil)
        }
    }
}
