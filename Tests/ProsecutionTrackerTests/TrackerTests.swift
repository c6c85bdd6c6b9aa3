import Foundation
import IblaghSchemas
import IblaghStore
import Statistics
import SwiftProtobuf
import Testing
import TestSupport

@Suite("The prosecution tracker: the case file from report to judgment", .serialized)
struct TrackerTests {
    /// intake → router → notifier → tracker, all real processes.
    func pipeline(
        test: String = #function, store: StoreKind = .sqlite
    ) async throws -> (IntakeFixture, RouterFixture, NotifierFixture, TrackerFixture) {
        let intake = try await IntakeFixture(test: test, store: store)
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04,06", testClock: false)
        let tracker = try await TrackerFixture(
            intake: intake, routers: routers, notifier: (notifier.dispatchEndpoint, "\(notifier.keys)/own/notifier.key"))
        return (intake, routers, notifier, tracker)
    }

    @Test("a case walks the whole lifecycle; illegal steps are refused naming the allowed ones; a repeated command has one effect; the reporter sees the steps",
          arguments: StoreKind.allCases)
    func wholeLifecycle(store: StoreKind) async throws {
        let (intake, routers, notifier, tracker) = try await pipeline(store: store)
        defer { _ = routers }
        let statistics = try await tracker.statistics()
        defer { Task { await statistics.stop() } }
        let posted = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: ["Content-Type": "application/json"])
        let receipt = try JSONSerialization.jsonObject(with: Data(posted.body)) as? [String: Any] ?? [:]
        let trackingID = receipt["tracking_id"] as? String ?? "", secret = receipt["receipt_secret"] as? String ?? ""
        // The police steps come from the notifier's events.
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == trackingID }
        try await tracker.waitForState(trackingID, .unitNotified)
        let console = try await notifier.console("kenitra")
        _ = try await notifier.request(console, .with { $0.acknowledge = .with { $0.trackingID = trackingID; $0.officerID = "k-1" } })
        _ = try await notifier.request(console, .with { $0.recordContact = .with { $0.trackingID = trackingID; $0.officerID = "k-1"; $0.method = .phone } })
        try await tracker.waitForState(trackingID, .complainantContacted)
        #expect(try await tracker.state(trackingID) == .complainantContacted)

        // An illegal step is refused with the current state and the allowed ones.
        let early = try await tracker.command("prosecutor-kenitra", trackingID) { $0.close = .init() }
        #expect(early.refusal.code == "illegal_transition")
        #expect(early.refusal.currentState == .complainantContacted)
        #expect(early.refusal.allowedNext == [.underInvestigation, .dismissed, .bundled])
        #expect(early.refusal.reason.contains("COMPLAINANT_CONTACTED") && early.refusal.reason.contains("UNDER_INVESTIGATION"))
        // A prosecutor may not take an officer's step.
        #expect(try await tracker.command("prosecutor-kenitra", trackingID) { $0.advance = .with { $0.to = .underInvestigation } }.refusal.code == "not_allowed")
        // An officer of another unit cannot act on the case.
        let stranger = try await tracker.command("officer-casablanca", trackingID) { $0.advance = .with { $0.to = .underInvestigation } }
        #expect(stranger.refusal.code == "not_your_case")

        // The officer's steps; the first one sent twice with the same command id.
        let first = try await tracker.command("officer-kenitra", trackingID, id: "cmd-1") { $0.advance = .with { $0.to = .underInvestigation } }
        #expect(first.case.state == .underInvestigation)
        let entries = try await tracker.historyCount(trackingID)
        let repeated = try await tracker.command("officer-kenitra", trackingID, id: "cmd-1") { $0.advance = .with { $0.to = .underInvestigation } }
        #expect(repeated == first)
        #expect(try await tracker.historyCount(trackingID) == entries)
        #expect(try await tracker.command("officer-kenitra", trackingID) { $0.advance = .with { $0.to = .suspectsIdentified } }.case.state == .suspectsIdentified)
        #expect(try await tracker.command("officer-kenitra", trackingID) { $0.advance = .with { $0.to = .referredToProsecution } }.case.state == .referredToProsecution)

        // The prosecutor's steps: two persons, their judgments, closing.
        let prosecuted = try await tracker.command("prosecutor-kenitra", trackingID) {
            $0.prosecute = .with {
                $0.persons = [
                    .with { $0.personID = "P-1"; $0.charges = [.with { $0.description_p = "sexual extortion"; $0.legalReference = "Penal Code art. 538 (to verify)" }] },
                    .with { $0.personID = "P-2"; $0.charges = [.with { $0.description_p = "complicity"; $0.legalReference = "Penal Code art. 129" }] },
                ]
            }
        }
        #expect(prosecuted.case.state == .personsProsecuted && prosecuted.case.persons.count == 2)
        let one = try await tracker.command("prosecutor-kenitra", trackingID) {
            $0.judge = .with { $0.personID = "P-1"; $0.verdict = .convicted; $0.sentence = .with { $0.prisonMonths = 60 }; $0.courtID = "tpi.kenitra" }
        }
        #expect(one.case.state == .personsProsecuted)  // one person still awaits judgment
        let both = try await tracker.command("prosecutor-kenitra", trackingID) { $0.judge = .with { $0.personID = "P-2"; $0.verdict = .acquitted } }
        #expect(both.case.state == .judged)
        // The case shows each person's judgment, on the bus and from the command line.
        #expect(both.case.judgments.map(\.personID) == ["P-1", "P-2"] && both.case.judgments.map(\.verdict) == [.convicted, .acquitted])
        #expect(both.case.judgments.first?.sentence.prisonMonths == 60 && both.case.judgments.first?.courtID == "tpi.kenitra")
        let shown = try await run(iblaghPath, [
            "case", "show", "--endpoint", tracker.commandsEndpoint, "--server-key", "\(tracker.keys)/own/tracker.key",
            "--certificate", "\(tracker.keys)/own/prosecutor-kenitra.key_secret", "--tracking", trackingID])
        #expect(shown.output.contains("judged at tpi.kenitra: convicted, 60 months' prison") && shown.output.contains("judged: acquitted"), "\(shown.output)\(shown.error)")
        #expect(try await tracker.command("prosecutor-kenitra", trackingID) { $0.close = .init() }.case.state == .closed)
        #expect(try await tracker.command("prosecutor-kenitra", trackingID) { $0.dismiss = .with { $0.reason = "x" } }.refusal.allowedNext.isEmpty)

        // The reporter's status page shows the coarse steps.
        let deadline = Date().addingTimeInterval(30)
        var steps: [String] = []
        repeat {
            let status = try await intake.http("GET", "/v1/reports/\(trackingID)", headers: ["Iblagh-Receipt-Secret": secret])
            let view = try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any] ?? [:]
            steps = (view["steps"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? String }
            if steps.last == "closed" { break }
            try await Task.sleep(for: .milliseconds(200))
        } while Date() < deadline
        #expect(steps == ["received", "with_police", "under_investigation", "before_court", "judged", "closed"])

        // Statistics gets anonymised facts: the stages with counts, and none of the case's personal data.
        // One fact per state the case reached: received, routed, unit notified, acknowledged, contacted, three
        // police steps, prosecuted, judged, closed.
        let facts = try await statistics.wait(for: 11)
        #expect(facts.count == 11)
        let stages = try facts.map { try $0.payload(as: Iblagh_V1_CaseFact.self) }
        #expect(stages.map(\.stage).contains(.judged) && stages.map(\.stage).contains(.closed))
        #expect(stages.first { $0.stage == .judged }.map { ($0.personsProsecuted, $0.personsConvicted, $0.personsAcquitted) } ?? (0, 0, 0) == (2, 1, 1))
        // A statistics store rebuilt from nothing: the tracker replays every case's facts, with the same content.
        await statistics.stop()
        try await tracker.crashAndRestart(adding: ["replayFacts": true])
        let rebuilt = try await tracker.statistics(directory: try temporaryDirectory("rebuilt-statistics"))
        defer { Task { await rebuilt.stop() } }
        // Only the replay's facts: one the first consumer had not acknowledged when it stopped comes to this one
        // too, under its first id.
        let replayed = try await rebuilt.wait(for: facts.count) { $0.messageID.contains(":replay-") }
        func figures(_ envelopes: [Iblagh_V1_Envelope], _ name: String) async throws -> (AnnualReport, Funnel, TimeFigures) {
            let store = try SQLiteStore(path: "\(try temporaryDirectory(name))/statistics.db", migrations: FactTable.migrations)
            try await store.write { transaction in
                for envelope in envelopes { try FactTable.apply(try envelope.payload(as: Iblagh_V1_CaseFact.self), in: transaction) }
            }
            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            return try await store.read {
                (try AnnualReport.compute(year: year, threshold: nil, in: $0), try Funnel.compute(year: year, category: nil, region: nil, threshold: nil, in: $0),
                 try TimeFigures.compute(year: year, threshold: nil, in: $0))
            }
        }
        let original = try await figures(facts, "original-figures"), again = try await figures(replayed, "replayed-figures")
        #expect(original.0 == again.0)
        #expect(original.1 == again.1)
        #expect(original.2 == again.2)
        #expect(replayed.count == facts.count)
        for fact in facts {
            let bytes = String(decoding: fact.frame, as: UTF8.self)
            for canary in [trackingID, Canary.name, Canary.phone, "0699887766", Canary.description, "P-1", "sexual extortion", "k-1"] {
                #expect(!bytes.contains(canary), "a fact carries \(canary)")
            }
        }
    }

    @Test("editing, deleting or reordering one history entry is found by iblagh audit verify")
    func tamperEvidentHistory() async throws {
        let (intake, routers, notifier, tracker) = try await pipeline()
        defer { _ = routers }
        let trackingID = try await submitReport(intake, residence: "Kénitra", key: "audit-1")
        _ = try await submitReport(intake, residence: "Casablanca", key: "audit-2")
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == trackingID }
        try await tracker.waitForState(trackingID, .unitNotified)
        try await Task.sleep(for: .milliseconds(500))
        tracker.process.stop()
        let clean = try await run(iblaghPath, ["audit", "verify", "--db", tracker.database])
        #expect(clean.status == 0 && clean.output.hasPrefix("OK"), "\(clean.output)\(clean.error)")
        let tampering = [
            ("edited", "UPDATE tracker_history SET body = body || ' ' WHERE seq = (SELECT MIN(seq) + 1 FROM tracker_history)"),
            ("removed", "DELETE FROM tracker_history WHERE seq = (SELECT MIN(seq) + 1 FROM tracker_history)"),
            ("reordered", "UPDATE tracker_history SET seq = -seq WHERE seq IN (SELECT seq FROM tracker_history ORDER BY seq LIMIT 2)"),
        ]
        for (what, sql) in tampering {
            let copy = "\(intake.directory)/tampered-\(what).db"
            try FileManager.default.copyItem(atPath: tracker.database, toPath: copy)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: tracker.database + suffix) {
                try FileManager.default.copyItem(atPath: tracker.database + suffix, toPath: copy + suffix)
            }
            let store = try SQLiteStore(path: copy, migrations: [])
            _ = try await store.write { try $0.execute(sql, []) }
            let result = try await run(iblaghPath, ["audit", "verify", "--db", copy])
            #expect(result.status != 0, "\(what) was not found")
            #expect(result.output.contains("BROKEN: entry"), "\(what): \(result.output)")
        }
    }

    @Test("kill -9 mid-command: the command happened once or not at all, and a retry with its id is safe",
          arguments: StoreKind.allCases)
    func crashMidCommand(store: StoreKind) async throws {
        let (intake, routers, notifier, tracker) = try await pipeline(store: store)
        defer { _ = routers }
        let trackingID = try await submitReport(intake, residence: "Kénitra", key: "crash-1")
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == trackingID }
        let console = try await notifier.console("kenitra")
        _ = try await notifier.request(console, .with { $0.acknowledge = .with { $0.trackingID = trackingID; $0.officerID = "k-1" } })
        _ = try await notifier.request(console, .with { $0.recordContact = .with { $0.trackingID = trackingID; $0.officerID = "k-1"; $0.method = .phone } })
        try await tracker.waitForState(trackingID, .complainantContacted)
        let before = try await tracker.historyCount(trackingID)
        // Send the command and kill the tracker at once, without waiting for the answer.
        let sending = Task { try await tracker.command("officer-kenitra", trackingID, id: "crash-cmd") { $0.advance = .with { $0.to = .underInvestigation } } }
        try await Task.sleep(for: .milliseconds(Int.random(in: 0...20)))
        try await tracker.crashAndRestart()
        sending.cancel()
        let retried = try await tracker.command("officer-kenitra", trackingID, id: "crash-cmd") { $0.advance = .with { $0.to = .underInvestigation } }
        #expect(retried.case.state == .underInvestigation)
        #expect(try await tracker.historyCount(trackingID) == before + 1)
        let again = try await tracker.command("officer-kenitra", trackingID, id: "crash-cmd") { $0.advance = .with { $0.to = .underInvestigation } }
        #expect(again == retried)
        // The same case from the command line.
        let common = ["--endpoint", tracker.commandsEndpoint, "--server-key", "\(tracker.keys)/own/tracker.key",
                      "--certificate", "\(tracker.keys)/own/officer-kenitra.key_secret", "--tracking", trackingID]
        let shown = try await run(iblaghPath, ["case", "show"] + common)
        #expect(shown.status == 0 && shown.output.contains("UNDER_INVESTIGATION") && shown.output.contains("SUSPECTS_IDENTIFIED"), "\(shown.output)\(shown.error)")
        let skipped = try await run(iblaghPath, ["case", "advance", "--to", "referred_to_prosecution"] + common)
        #expect(skipped.status != 0 && skipped.output.contains("illegal_transition"))
        // The next state as `show` printed it is taken as it is.
        let advanced = try await run(iblaghPath, ["case", "advance", "--to", "SUSPECTS_IDENTIFIED"] + common)
        #expect(advanced.status == 0 && advanced.output.contains("\(trackingID): SUSPECTS_IDENTIFIED"), "\(advanced.output)\(advanced.error)")
    }
}
