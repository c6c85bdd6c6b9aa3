import Foundation
import IblaghSchemas
import IblaghStore
@testable import ProsecutionTracker
import Testing
import TestSupport

/// Events reach the tracker through different hops, so out of order; statistics must still learn every stage a case
/// reached, once, with what each event brings. In process, on a real SQLite store.
@Suite("Events out of order: every stage's fact, once")
struct OutOfOrderEventsTests {
    let file = CaseFile.inProcess
    static let id = "IBL-2026-0Q3K7XWAAAAA"

    /// The facts the case file has published so far, in order.
    func facts(in store: SQLiteStore) async throws -> [Iblagh_V1_CaseFact] {
        try await store.read { transaction in
            try transaction.rows("SELECT envelope FROM hop_outbox WHERE groups = ',statistics,' ORDER BY seq", []).map {
                try Iblagh_V1_Envelope(frame: $0.blob("envelope") ?? []).payload(as: Iblagh_V1_CaseFact.self)
            }
        }
    }

    @Test("a unit notified before the routing reached the tracker: ROUTED's fact comes with the routing, region and office included, and a replay has it too")
    func notifiedBeforeRouted() async throws {
        let store = try CaseFile.freshStore()
        try await file.apply(Iblagh_V1_CaseOpened.with { $0.trackingID = Self.id; $0.category = .sextortion }, in: store)
        try await file.apply(Iblagh_V1_UnitNotified.with { $0.trackingID = Self.id; $0.unit.id = "police.wilaya.kenitra" }, in: store)
        #expect(try await facts(in: store).map(\.stage) == [.received, .unitNotified])
        try await file.apply(Iblagh_V1_CaseRouted.with {
            $0.trackingID = Self.id; $0.category = .sextortion; $0.regionCode = "04"
            $0.territorialUnit.id = "police.wilaya.kenitra"; $0.prosecutionOffice.id = "parquet.tpi.kenitra"
        }, in: store)
        let sent = try await facts(in: store)
        #expect(sent.map(\.stage) == [.received, .unitNotified, .routed])
        let routed = try #require(sent.last)
        #expect(routed.regionCode == "04" && routed.prosecutionOfficeID == "parquet.tpi.kenitra")
        // The case stays where it was; the late routing is in its history.
        let state = try await store.read { try $0.rows("SELECT state FROM tracker_case WHERE tracking_id = ?", [.text(Self.id)]).first?.integer("state") }
        #expect(state == Int64(Iblagh_V1_CaseState.unitNotified.rawValue))

        // A second notification (an escalation) of a stage the case is at sends nothing new; an acknowledgement moves it on.
        try await file.apply(Iblagh_V1_UnitNotified.with { $0.trackingID = Self.id; $0.unit.id = "police.region.04.supervisor"; $0.escalationLevel = 1 }, in: store)
        try await file.apply(Iblagh_V1_UnitAcknowledged.with { $0.trackingID = Self.id; $0.unit.id = "police.wilaya.kenitra" }, in: store)
        #expect(try await facts(in: store).map(\.stage) == [.received, .unitNotified, .routed, .acknowledged])

        // A statistics store rebuilt from a replay learns the same stages.
        let before = try await facts(in: store).count
        _ = try await store.write { [file] in try file.replayFacts(now: Date(), in: $0) }
        let replayed = try await facts(in: store).dropFirst(before)
        #expect(Set(replayed.map(\.stage)) == [.received, .routed, .unitNotified, .acknowledged])
        #expect(replayed.count == 4)
    }

    @Test("in order, each stage's fact is sent once")
    func inOrder() async throws {
        let store = try CaseFile.freshStore()
        try await file.apply(Iblagh_V1_CaseOpened.with { $0.trackingID = Self.id; $0.category = .fraud }, in: store)
        try await file.apply(Iblagh_V1_CaseRouted.with { $0.trackingID = Self.id; $0.category = .fraud; $0.regionCode = "04" }, in: store)
        try await file.apply(Iblagh_V1_UnitNotified.with { $0.trackingID = Self.id; $0.unit.id = "police.wilaya.kenitra" }, in: store)
        try await file.apply(Iblagh_V1_UnitAcknowledged.with { $0.trackingID = Self.id; $0.unit.id = "police.wilaya.kenitra" }, in: store)
        #expect(try await facts(in: store).map(\.stage) == [.received, .routed, .unitNotified, .acknowledged])
    }
}
