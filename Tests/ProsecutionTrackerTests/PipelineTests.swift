import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hexadecimal
import IblaghCrypto
import IblaghSchemas
import Testing
import TestSupport

@Suite("The whole pipeline: five services as real processes")
struct PipelineTests {
    @Test("a report over the bus and one over HTTP reach the competent unit's console, are acknowledged, are carried to judgment by the officer's and prosecutor's commands, show it to their reporters, and are counted once by statistics",
          arguments: StoreKind.allCases)
    func reportsFlowThroughEveryService(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake, instances: 2)
        let notifier = try await NotifierFixture(routers: routers, regions: "04,06,national", testClock: false)
        let tracker = try await TrackerFixture(intake: intake, routers: routers, notifier: (notifier.dispatchEndpoint, "\(notifier.keys)/own/notifier.key"))
        try "operator-key-for-the-pipeline-test".write(toFile: "\(intake.directory)/operator.key", atomically: true, encoding: .utf8)
        let configuration: [String: Any] = ["statistics": [
            "database": try await intake.databaseLocation("statistics"), "key": "\(tracker.keys)/own/statistics.key_secret",
            "trackers": "\(tracker.dispatchEndpoint)@\(tracker.keys)/own/tracker.key", "operatorKey": "\(intake.directory)/operator.key",
            "http": ["port": 0],
        ] as [String: Any]]
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: "\(intake.directory)/statistics.json"))
        let statistics = try ServiceProcess(
            builtExecutable("iblagh-statistics"), ["--config", "\(intake.directory)/statistics.json"],
            outputPath: "\(intake.directory)/statistics.out", errorPath: "\(intake.directory)/statistics.log")
        defer { statistics.stop() }
        let port = try await statistics.waitForLine("ready ").split(separator: "=").last.map(String.init) ?? ""

        var report = Canary.report(accounts: [])
        report.residence = "Kénitra"
        let socket = try await intake.integrator()
        let busReceipt = try await intake.submit(Canary.submit(key: "pipe-bus", report: report), on: socket)
            .payload(as: Iblagh_V1_SubmitReportReply.self).accepted
        await socket.close()
        let posted = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: ["Content-Type": "application/json"])
        let httpReceipt = try JSONSerialization.jsonObject(with: Data(posted.body)) as? [String: Any] ?? [:]
        let overBus = busReceipt.trackingID, overHTTP = httpReceipt["tracking_id"] as? String ?? ""
        let secrets = [overBus: busReceipt.receiptSecret, overHTTP: httpReceipt["receipt_secret"] as? String ?? ""]
        let console = try await notifier.console("kenitra")
        for trackingID in [overBus, overHTTP] {
            #expect(try await notifier.waitForCase("kenitra") { $0.trackingID == trackingID } != nil, "\(trackingID) on Kénitra's console")
            let ack = try await notifier.request(console, .with { $0.acknowledge = .with { $0.trackingID = trackingID; $0.officerID = "k-9" } })
            #expect(ack.updated.state == "acknowledged")
            try await tracker.waitForState(trackingID, .acknowledged)
            #expect(try await tracker.state(trackingID) == .acknowledged)
            _ = try await notifier.request(console, .with { $0.recordContact = .with { $0.trackingID = trackingID; $0.officerID = "k-9"; $0.method = .phone } })
            try await tracker.waitForState(trackingID, .complainantContacted)
            // The officer investigates and refers; the prosecutor prosecutes one person, who is convicted.
            for step in [Iblagh_V1_CaseState.underInvestigation, .suspectsIdentified, .referredToProsecution] {
                #expect(try await tracker.command("officer-kenitra", trackingID) { $0.advance = .with { $0.to = step } }.case.state == step)
            }
            _ = try await tracker.command("prosecutor-kenitra", trackingID) {
                $0.prosecute = .with { $0.persons = [.with { $0.personID = "P-1"; $0.charges = [.with { $0.description_p = "sexual extortion" }] }] }
            }
            let judged = try await tracker.command("prosecutor-kenitra", trackingID) {
                $0.judge = .with { $0.personID = "P-1"; $0.verdict = .convicted; $0.courtID = "tpi.kenitra" }
            }
            #expect(judged.case.state == .judged)
        }
        // Each reporter's status page shows the judgment.
        for (trackingID, secret) in secrets {
            var steps: [String] = []
            let deadline = Date().addingTimeInterval(30)
            repeat {
                let status = try await intake.http("GET", "/v1/reports/\(trackingID)", headers: ["Iblagh-Receipt-Secret": secret])
                steps = ((try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any])?["steps"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? String }
                if steps.last == "judged" { break }
                try await Task.sleep(for: .milliseconds(200))
            } while Date() < deadline
            #expect(steps.last == "judged", "\(trackingID): \(steps)")
        }
        // Statistics counts both (internal report: two cases are below the public threshold).
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/reports/funnel?year=\(year)&internal=1")!)
        request.setValue("operator-key-for-the-pipeline-test", forHTTPHeaderField: "Iblagh-Operator-Key")
        var stages: [String: Int] = [:]
        let deadline = Date().addingTimeInterval(30)
        repeat {
            let (data, _) = try await URLSession.shared.data(for: request)
            let funnel = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            stages = Dictionary(uniqueKeysWithValues: (funnel["stages"] as? [[String: Any]] ?? []).compactMap { stage in
                (stage["stage"] as? String).map { ($0, stage["count"] as? Int ?? -1) }
            })
            if stages["convicted"] == 2 { break }
            try await Task.sleep(for: .milliseconds(200))
        } while Date() < deadline
        // No personal data anywhere but sealed: no canary value in any service's logs, output or store (the
        // databases and their write-ahead logs, read as bytes), nor in intake's metrics.
        let canaries = [Canary.name, Canary.phone, Canary.description, "0699887766"]
        var files: [String] = []
        for folder in Set([intake.directory, notifier.directory]) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where
                [".log", ".out", ".db", ".db-wal", ".json"].contains(where: name.hasSuffix) && !name.hasPrefix("intake.json") {
                files.append("\(folder)/\(name)")
            }
        }
        #expect(files.count >= (store == .sqlite ? 12 : 6), "\(files)")
        var contents = files.map { ($0, FileManager.default.contents(atPath: $0) ?? Data()) }
        if store == .postgres {
            // Each service's database as pg_dump writes it (bytea as hex, so the canaries are looked for in hex too).
            for name in ["intake", "router", "router-2", "notifier", "tracker", "statistics"] {
                let dump = try await run("/usr/bin/pg_dump", ["--data-only", "-d", try await intake.databaseLocation(name)])
                #expect(dump.status == 0 && dump.output.contains("COPY"), "pg_dump \(name): \(dump.error)")
                contents.append(("\(name) (PostgreSQL)", Data(dump.output.utf8)))
            }
        }
        for (file, bytes) in contents {
            for canary in canaries {
                #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(canary) found in \(file)")
                #expect(bytes.range(of: Data(Hex.string(Array(canary.utf8)).utf8)) == nil, "\(canary) found in hex in \(file)")
            }
        }
        let metrics = try await intake.http("GET", "/metrics")
        #expect(metrics.status == 200 && canaries.allSatisfy { !String(decoding: metrics.body, as: UTF8.self).contains($0) })
        // Exactly once at every stage: each case counts once, however many facts and redeliveries carried it.
        #expect(stages == ["reports": 2, "routed": 2, "acknowledged": 2, "complainant_contacted": 2, "under_investigation": 2, "referred": 2, "prosecuted": 2, "convicted": 2], "\(stages)")
    }
}
