import Foundation
import IblaghSchemas
import Testing
import TestSupport

/// Intake's store on a small tmpfs that fills up: new reports are refused with "try again later" and not
/// acknowledged, every report accepted before is intact, and intake takes reports again as soon as space returns —
/// without a restart.
@Suite("Disk full")
struct DiskFullTests {
    @Test("a full disk refuses new reports with 503, loses nothing accepted, and intake resumes when space returns")
    func diskFull() async throws {
        let disk = try await SmallFileSystem(size: "1m")
        let intake = try await IntakeFixture(extra: ["database": "\(disk.path)/intake.db"])
        let json = ["Content-Type": "application/json"]
        // A store on a file system this small has little space from the start: the log and the metrics say so.
        try await waitUntil(within: 15, "no free-space warning in \(intake.logPath)") {
            try String(contentsOfFile: intake.logPath, encoding: .utf8).split(separator: "\n").contains {
                $0.contains("warning") && $0.contains("little free space left for the store") && $0.contains("store=intake.db")
            }
        }
        let metrics = String(decoding: try await intake.http("GET", "/metrics").body, as: UTF8.self)
        let free = metricValues("iblagh_store_free_bytes", #"store="intake.db""#, in: metrics).first
        #expect(free.map { $0 > 0 && $0 <= 1_048_576 } == true, "\(metrics.split(separator: "\n").filter { $0.contains("free_bytes") })")

        var accepted: [AcceptedReply] = []
        var refusal: (status: Int, headers: [String: String], body: [UInt8])?
        for index in 0..<5_000 {
            let answer = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: json.merging(["Idempotency-Key": "full-\(index)"]) { $1 })
            if answer.status == 201 {
                accepted.append(try JSONDecoder().decode(AcceptedReply.self, from: Data(answer.body)))
            } else {
                refusal = answer
                break
            }
        }
        let refused = try #require(refusal, "the disk never filled after \(accepted.count) reports")
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == "60")
        let problem = try JSONSerialization.jsonObject(with: Data(refused.body)) as? [String: Any]
        #expect(problem?["type"] as? String == "urn:iblagh:problem:storage-full")
        #expect(accepted.count >= 20, "only \(accepted.count) reports fitted: the store should start with room")

        // Nothing half-stored: the database holds exactly the acknowledged reports.
        #expect(try await intake.count("intake_report") == accepted.count)
        #expect(try await intake.http("GET", "/healthz").status == 200)
        // Take the last free blocks too, so little fits from here on. (A checkpoint can still free room in the
        // write-ahead log for a report or two, so each client below sends until it is refused; whatever was
        // acknowledged meanwhile is counted, and nothing else may be stored.)
        try await disk.fill()
        var lateAccepted = 0
        // An integrator on the bus is told to come back later, not acknowledged.
        let integrator = try await intake.integrator()
        var busRefusal: Iblagh_V1_Envelope?
        for attempt in 0..<500 where busRefusal == nil {
            let reply = try await intake.submit(Canary.submit(key: "bus-while-full-\(attempt)"), on: integrator)
            if reply.type == .errorReply { busRefusal = reply } else { lateAccepted += 1 }
        }
        let busReply = try #require(busRefusal, "the bus was never refused")
        #expect(try busReply.payload(as: Iblagh_V1_ErrorReply.self).code == .overloaded)
        #expect(try await intake.count("intake_report") == accepted.count + lateAccepted)

        // A citizen on the web form gets the form back, with what they wrote and a notice to try again later. (What
        // still fits is stored: a checkpoint can free room in the write-ahead log for a small report, so the form is
        // sent until the disk refuses it.)
        var webAccepted = 0
        var refusedForm: CitizenWebTests.Page?
        for _ in 0..<500 where refusedForm == nil {
            let form = try await CitizenWebTests.get(intake, "/fr/report")
            let page = try await CitizenWebTests.post(intake, "/fr/report", [
                ("form_token", form.token ?? ""), ("category", "fraud"), ("description", "Un faux vendeur a pris mon argent"),
                ("residence", "Kénitra"), ("preferred_language", "fr"),
            ], cookie: form.cookie)
            if page.status == 201 { webAccepted += 1 } else { refusedForm = page }
        }
        let refusedPage = try #require(refusedForm, "the web form was never refused")
        #expect(refusedPage.status == 503)
        #expect(refusedPage.html.contains("pour le moment. Rien n’a été enregistré"), "\(refusedPage.html.prefix(600))")
        #expect(refusedPage.html.contains("Un faux vendeur a pris mon argent"), "what was typed is kept")
        #expect(try await intake.count("intake_report") == accepted.count + lateAccepted + webAccepted)

        try await disk.grow(to: "64m")
        var resumed = 0
        for attempt in 0..<50 where resumed == 0 {
            let answer = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: json.merging(["Idempotency-Key": "after-\(attempt)"]) { $1 })
            if answer.status == 201 { resumed = attempt + 1 } else { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(resumed > 0, "intake did not take reports again after space returned")
        // The report refused while full, retried with its key, is now stored once.
        let retried = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: json.merging(["Idempotency-Key": "full-\(accepted.count)"]) { $1 })
        #expect(retried.status == 201)
        // Every report acknowledged before the disk filled is there (and one of them still answers its secret).
        let stored = Set(try await intake.query("SELECT tracking_id FROM intake_report").compactMap { $0.text("tracking_id") })
        #expect(Set(accepted.map(\.tracking_id)).isSubset(of: stored))
        let first = try #require(accepted.first)
        #expect(try await intake.http("GET", "/v1/reports/\(first.tracking_id)", headers: ["Iblagh-Receipt-Secret": first.receipt_secret]).status == 200)
        #expect(try await intake.count("intake_report") == accepted.count + lateAccepted + webAccepted + 2)
        withExtendedLifetime(disk) {}  // unmounted only when the test is done with it
    }
}
