import Foundation
import IblaghSchemas
import Testing
import TestSupport
import ZeroMQ

@Suite("Intake over the bus: accepted once, durably, or rejected with reasons", .serialized)
struct BusSubmissionTests {
    @Test("a valid report is accepted only once it is on disk, with its hand-off in the outbox", arguments: StoreKind.allCases)
    func acceptedReportIsOnDiskAndInTheOutbox(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let socket = try await intake.integrator()
        let reply = try await intake.submit(Canary.submit(key: "acme-1"), on: socket, messageID: "req-1")
        #expect(reply.type == .submitReportReply)
        #expect(reply.correlationID == "req-1")
        let accepted = try reply.payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        #expect(accepted.trackingID.hasPrefix("IBL-"))
        #expect(accepted.receiptSecret.count == 23)
        #expect(!accepted.duplicate)
        // The reply came after the commit: the rows are there as soon as we look.
        let rows = try await intake.query("SELECT tracking_id FROM intake_report")
        #expect(rows.map { $0.text("tracking_id") } == [accepted.trackingID])
        let outbox = try await intake.query("SELECT message_id, groups FROM hop_outbox ORDER BY seq")
        #expect(outbox.map { $0.text("message_id") ?? "" } == ["report-accepted:\(accepted.trackingID)", "case-opened:\(accepted.trackingID)"])
        #expect(outbox.map { $0.text("groups") ?? "" } == [",router,", ",tracker,"])
    }

    @Test("a retry with the same integrator key gets the same tracking id and secret and creates nothing; the key used for another report is rejected", arguments: StoreKind.allCases)
    func retryIsIdempotent(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let socket = try await intake.integrator()
        let first = try await intake.submit(Canary.submit(key: "acme-42"), on: socket).payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        let again = try await intake.submit(Canary.submit(key: "acme-42"), on: socket).payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        #expect(again.trackingID == first.trackingID)
        #expect(again.receiptSecret == first.receiptSecret)
        #expect(again.duplicate)
        #expect(try await intake.count("intake_report") == 1)
        #expect(try await intake.count("hop_outbox") == 2)
        // The key is the integrator's own: another integrator's identical key is another report.
        let other = try await intake.integrator("other")
        let theirs = try await intake.submit(Canary.submit(key: "acme-42"), on: other).payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        #expect(theirs.trackingID != first.trackingID)
        #expect(!theirs.duplicate)
        // The same key for a different report: rejected by the key's name, never answered as the first report.
        var changed = Canary.submit(key: "acme-42")
        changed.report.description_p = "another report under the same key"
        let reused = try await intake.submit(changed, on: socket).payload(as: Iblagh_V1_SubmitReportReply.self)
        #expect(reused.accepted.trackingID.isEmpty)
        #expect(reused.rejected.violations.map(\.field) == ["integrator_report_key"] && reused.rejected.violations.first?.code == "reused")
        #expect(try await intake.count("intake_report") == 2)
    }

    @Test("reports accepted one after another get tracking ids in that order, so the stores append them instead of dirtying a random page each")
    func trackingIDsFollowAcceptanceOrder() async throws {
        let intake = try await IntakeFixture()
        let socket = try await intake.integrator()
        var issued: [String] = []
        for index in 0..<12 {
            let reply = try await intake.submit(Canary.submit(key: "order-\(index)"), on: socket)
            issued.append(try reply.payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID)
            // A millisecond is the ids' resolution: two reports within one are in random order.
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(issued == issued.sorted())
        #expect(Set(issued).count == issued.count)
        // "IBL-", the year, the millisecond of the year in 7 base-32 characters, 5 random ones.
        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).year!
        #expect(issued.allSatisfy { $0.hasPrefix("IBL-\(year)-") && $0.count == 21 })
        let rows = try await intake.query("SELECT tracking_id FROM intake_report ORDER BY tracking_id")
        #expect(rows.map { $0.text("tracking_id") ?? "" } == issued)
    }

    @Test("many pipelined requests on one connection — more than intake takes in at once — are each answered, matched by correlation id")
    func pipelinedRequests() async throws {
        let intake = try await IntakeFixture()
        let socket = try await intake.integrator()
        // Past 512 in hand and 64 queued, intake stops reading the connection: the rest wait on the way, none is lost.
        let count = 1_500
        let replies = try await intake.submitPipelined(count, prefix: "pipe", on: socket)
        for reply in replies {
            #expect(try reply.payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID.hasPrefix("IBL-"))
        }
        #expect(Set(replies.map(\.correlationID)) == Set((0..<count).map { "pipe-req-\($0)" }))
        #expect(try await intake.count("intake_report") == count)
    }

    @Test("an invalid report is rejected field by field and nothing is stored", arguments: StoreKind.allCases)
    func invalidReportIsRejected(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let socket = try await intake.integrator()
        var report = Canary.report()
        report.category = .unspecified
        report.description_p = ""
        report.residence = ""
        report.reporter.email = "not-an-address"
        report.reporter.phone = "12"
        report.preferredLanguage = .unspecified
        let reply = try await intake.submit(Canary.submit(key: "bad key with spaces", report: report), on: socket)
        let violations = try reply.payload(as: Iblagh_V1_SubmitReportReply.self).rejected.violations
        #expect(Set(violations.map(\.field)) == [
            "integrator_report_key", "report.category", "report.description", "report.residence", "report.reporter.email",
            "report.reporter.phone", "report.preferred_language",
        ])
        #expect(violations.allSatisfy { !$0.reason.contains("not-an-address") })
        #expect(try await intake.count("intake_report") == 0)
        #expect(try await intake.count("hop_outbox") == 0)
    }

    @Test("a frame that is not an envelope, the wrong type and a key not enrolled are refused")
    func badFramesAndStrangersAreRefused() async throws {
        let intake = try await IntakeFixture()
        let socket = try await intake.integrator()
        try await socket.send(Multipart([[0xFF, 0x00, 0x13]]))
        let garbage = try Iblagh_V1_Envelope(frame: try await socket.receive().frames[0])
        #expect(garbage.type == .errorReply)
        #expect(try garbage.payload(as: Iblagh_V1_ErrorReply.self).code == .malformedEnvelope)
        let fact = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_CaseFact(), messageID: "wrong-type", producer: "test")
        try await socket.send(Multipart([fact.frame]))
        let wrongType = try Iblagh_V1_Envelope(frame: try await socket.receive().frames[0])
        #expect(try wrongType.payload(as: Iblagh_V1_ErrorReply.self).code == .unknownMessageType)
        #expect(wrongType.correlationID == "wrong-type")
        // A key not on the allow-list never completes the handshake: its request gets no answer at all.
        let stranger = try await intake.integrator("intruder")
        let envelope = try Iblagh_V1_Envelope(wrapping: Canary.submit(key: "x-1"), messageID: "stranger", producer: "test")
        // The send is bounded too: once the refused handshake has dropped the connection, a DEALER has no peer to
        // queue to and its send waits (seen in a full local run, where the refusal came before the send).
        _ = try await withTimeout(.seconds(2)) { try await stranger.send(Multipart([envelope.frame])) }
        let answer = try await withTimeout(.seconds(2)) { try await stranger.receive() }
        #expect(answer == nil)
        #expect(try await intake.count("intake_report") == 0)
        // ... and the enrolled integrator is unaffected.
        let ok = try await intake.submit(Canary.submit(key: "acme-after"), on: socket)
        #expect(try ok.payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID.hasPrefix("IBL-"))
    }

    @Test("kill -9 right after an Accepted reply: after restart the report is there and is handed on", arguments: StoreKind.allCases)
    func crashAfterAcceptLosesNothing(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let socket = try await intake.integrator()
        let accepted = try await intake.submit(Canary.submit(key: "acme-crash"), on: socket).payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        try await intake.crashAndRestart()
        #expect(try await intake.query("SELECT tracking_id FROM intake_report").map { $0.text("tracking_id") } == [accepted.trackingID])
        // A router consumer connecting now receives the hand-off.
        let router = try await intake.routerConsumer()
        let delivered = try await router.wait(for: 1).map(\.messageID)
        await router.stop()
        #expect(delivered == ["report-accepted:\(accepted.trackingID)"])
        // And the retry after the crash is still recognised.
        let again = try await intake.submit(Canary.submit(key: "acme-crash"), on: try await intake.integrator())
        #expect(try again.payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID == accepted.trackingID)
    }
}

@Suite("Bundling: reports about the same account join one case")
struct BundlingTests {
    @Test("a report naming an already reported account joins its bundle, and the case carries how many reported it", arguments: StoreKind.allCases)
    func sameAccountIsBundled(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let socket = try await intake.integrator()
        let first = try await intake.submit(Canary.submit(key: "b-1", report: Canary.report(accounts: ["@Same_Account"])), on: socket)
            .payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        // The same account written differently, by another integrator.
        let second = try await intake.submit(Canary.submit(key: "b-2", report: Canary.report(accounts: ["same_account "])), on: try await intake.integrator("other"))
            .payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        let unrelated = try await intake.submit(Canary.submit(key: "b-3", report: Canary.report(accounts: ["@someone_else"])), on: socket)
            .payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        let opened = try await intake.query("SELECT envelope FROM hop_outbox WHERE type = ? ORDER BY seq", [.integer(Int64(Iblagh_V1_MessageType.caseOpened.rawValue))])
            .map { try Iblagh_V1_Envelope(frame: $0.blob("envelope") ?? []).payload(as: Iblagh_V1_CaseOpened.self) }
        #expect(opened.map(\.bundleID) == [first.trackingID, first.trackingID, unrelated.trackingID])
        #expect(opened.map(\.reportersInBundle) == [1, 2, 1])
        #expect(second.trackingID != first.trackingID)
        #expect(try await intake.query("SELECT reporters FROM intake_bundle WHERE bundle_id = ?", [.text(first.trackingID)]).first?.integer("reporters") == 2)
    }
}
