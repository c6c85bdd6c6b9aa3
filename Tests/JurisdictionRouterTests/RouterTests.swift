import Foundation
import IblaghSchemas
import IblaghStore
import Testing
import TestSupport
import ZeroMQ

@Suite("The jurisdiction router as a real process behind intake", .serialized)
struct RouterTests {
    func submit(_ intake: IntakeFixture, residence: String, key: String, category: Iblagh_V1_ReportCategory = .sextortion, minor: Bool = false) async throws -> String {
        var report = Canary.report()
        report.residence = residence
        report.category = category
        report.victimIsMinor = minor
        let socket = try await intake.integrator()
        let reply = try await intake.submit(Canary.submit(key: key, report: report), on: socket)
        await socket.close()
        return try reply.payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID
    }

    @Test("a report submitted from Kénitra reaches the Kénitra unit and prosecution office, with its reasons", arguments: StoreKind.allCases)
    func kenitraReachesKenitra(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake)
        let tracker = try await routers.tracker()
        defer { Task { await tracker.stop() } }
        let kenitra = try await submit(intake, residence: "القنيطرة", key: "k-1")
        let minor = try await submit(intake, residence: "Casablanca", key: "k-2", minor: true)
        let terror = try await submit(intake, residence: "Tanger", key: "k-3", category: .terrorismPraiseOrIncitement)
        let nowhere = try await submit(intake, residence: "Atlantis", key: "k-4")
        let routed = try await tracker.wait(for: 4).map { try $0.payload(as: Iblagh_V1_CaseRouted.self) }
        let byCase = Dictionary(uniqueKeysWithValues: routed.map { ($0.trackingID, $0) })
        #expect(byCase[kenitra]?.territorialUnit.id == "police.wilaya.kenitra")
        #expect(byCase[kenitra]?.prosecutionOffice.id == "parquet.tpi.kenitra")
        #expect(byCase[kenitra]?.ruleCodes == ["residence-territorial"])
        #expect(byCase[kenitra]?.referenceDataVersion == "morocco-2015.1")
        #expect(byCase[kenitra]?.explanation.contains("Kénitra") == true)
        #expect(byCase[minor]?.priority == .urgent)
        #expect(byCase[minor]?.territorialUnit.id == "police.wilaya.casablanca")
        #expect(byCase[terror]?.additionalUnits.map(\.id) == ["police.national.bcij"])
        #expect(byCase[nowhere]?.territorialUnit.id == "police.national.cybercrime")
        #expect(byCase[nowhere]?.ruleCodes == ["residence-unknown"])
    }

    @Test("a router whose key intake does not admit is not ready and says why on /readyz; admitted, it is ready and routes")
    func refusedRouterIsNotReady() async throws {
        let intake = try await IntakeFixture()
        // The operator forgot to copy the router's certificate into intake's allow-list.
        let admitted = "\(intake.directory)/keys/consumers/router.key", aside = "\(intake.directory)/router.key"
        try FileManager.default.moveItem(atPath: admitted, toPath: aside)
        _ = try await intake.terminateAndRestart()
        let routers = try await RouterFixture(intake: intake)
        let port = routers.httpPorts[0]
        let refused = "not ready\nupstream intake-1 at \(intake.dispatchEndpoint) refused this consumer's key\n"
        try await waitUntil(within: 30, "/readyz: \(try await readiness(port))") { try await readiness(port) == (503, refused) }
        // Admitted, and intake restarted to read its allow-list again: the router, left running, joins.
        try FileManager.default.moveItem(atPath: aside, toPath: admitted)
        _ = try await intake.terminateAndRestart()
        try await waitUntil(within: 60, "/readyz: \(try await readiness(port))") { try await readiness(port) == (200, "ready\n") }
        let tracker = try await routers.tracker()
        defer { Task { await tracker.stop() } }
        let kenitra = try await submit(intake, residence: "Kénitra", key: "k-admitted")
        #expect(try await tracker.wait(for: 1).map { try $0.payload(as: Iblagh_V1_CaseRouted.self).trackingID } == [kenitra])
    }

    @Test("--check reads the settings and their files and stops; a reference file the router cannot read is named with its setting; a notifier's certificate naming a region the file lacks is warned of")
    func referenceSettingsChecked() async throws {
        let intake = try await IntakeFixture()
        let routers = try await RouterFixture(intake: intake, notifiers: [("notifier", RouterFixture.allRegions), ("stray", "notifier:04,notifier:99")])
        let log = "\(intake.directory)/router.log"
        try await waitUntil(within: 10, "no warning in \(log)") {
            try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").contains {
                $0.contains("warning") && $0.contains("region=99") && $0.contains("names a region the reference data does not have")
            }
        }
        #expect(try !String(contentsOfFile: log, encoding: .utf8).contains("region=04"))
        // A second instance's settings: checked alone (--check), then started, with a reference file that is not there.
        let second = ["--config", "\(intake.directory)/router.json", "--router-id", "router-9", "--router-database", "\(intake.directory)/router-9.db"]
        let checked = try await run(builtExecutable("iblagh-router"), second + ["--check"], timeout: 60)
        #expect(checked.status == 0 && checked.output == "iblagh-router: the configuration is valid (the store and the endpoints are not opened)\n", "\(checked)")
        #expect(!FileManager.default.fileExists(atPath: "\(intake.directory)/router-9.db"))
        let expected = "iblagh-router: configuration router.reference.file: cannot read the reference data file nowhere/territory.json (a relative path, from the working directory "
        for extra in [["--check"], []] {
            let missing = try await run(builtExecutable("iblagh-router"), second + ["--router-reference-file", "nowhere/territory.json"] + extra, timeout: 60)
            #expect(missing.status == 1)
            #expect(missing.error.hasPrefix(expected), "\(missing.error)")
        }
        #expect(routers.processes[0].process.isRunning)
    }

    func readiness(_ port: Int) async throws -> (status: Int, body: String) {
        try await httpAnswer("http://127.0.0.1:\(port)/readyz")
    }

    @Test("two router instances share 2,000 reports: each routed exactly once, both used", arguments: StoreKind.allCases)
    func twoInstancesShareTheLoad(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake, instances: 2)
        let count = 2_000
        let socket = try await intake.integrator()
        let places = ["Kénitra", "الرباط", "Salé", "Tanger", "مراكش", "Agadir", "Oujda", "Laâyoune", "Fès", "Casa"]
        for start in stride(from: 0, to: count, by: 500) {
            for index in start..<(start + 500) {
                var report = Canary.report(accounts: [])
                report.residence = places[index % places.count]
                let envelope = try Iblagh_V1_Envelope(wrapping: Canary.submit(key: "load-\(index)", report: report), messageID: "load-\(index)", producer: "test")
                try await socket.send(Multipart([envelope.frame]))
            }
            for _ in start..<(start + 500) { _ = try await socket.receive() }
        }
        let deadline = Date().addingTimeInterval(120)
        var first: [(trackingID: String, version: Int, unit: String, dataVersion: String)] = []
        var second = first
        repeat {
            try await Task.sleep(for: .milliseconds(300))
            first = try await routers.decisions(0)
            second = try await routers.decisions(1)
        } while first.count + second.count < count && Date() < deadline
        let all = (first + second).map(\.trackingID)
        #expect(all.count == count)
        #expect(Set(all).count == count, "a report was routed twice")
        #expect(!first.isEmpty && !second.isEmpty, "both instances routed: \(first.count) and \(second.count)")
        #expect(try await intake.count("intake_report") == count)
    }

    @Test("replacing the reference data changes decisions for new reports only, and each decision names its version", arguments: StoreKind.allCases)
    func referenceDataReplacement(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake)
        let before = try await submit(intake, residence: "Kénitra", key: "r-1")
        try await waitForDecisions(routers, count: 1)
        // A new version in which Kénitra's unit is another id (written whole, then moved into place).
        var text = try String(contentsOfFile: routers.referenceFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"morocco-2015.1\"", with: "\"test-2\"").replacingOccurrences(of: "police.wilaya.kenitra", with: "police.wilaya.kenitra-v2")
        try text.write(toFile: routers.referenceFile + ".new", atomically: true, encoding: .utf8)
        _ = rename(routers.referenceFile + ".new", routers.referenceFile)
        try await waitForLog(routers.processes[0], "reference data replaced")
        let after = try await submit(intake, residence: "Kénitra", key: "r-2")
        try await waitForDecisions(routers, count: 2)
        let decisions = Dictionary(uniqueKeysWithValues: try await routers.decisions(0).map { ($0.trackingID, $0) })
        #expect(decisions[before]?.unit == "police.wilaya.kenitra" && decisions[before]?.dataVersion == "morocco-2015.1")
        #expect(decisions[after]?.unit == "police.wilaya.kenitra-v2" && decisions[after]?.dataVersion == "test-2")
        // A broken replacement is refused and the rules in use stay.
        try "{ broken".write(toFile: routers.referenceFile, atomically: true, encoding: .utf8)
        try await waitForLog(routers.processes[0], "reference data not replaced")
        let later = try await submit(intake, residence: "Kénitra", key: "r-3")
        try await waitForDecisions(routers, count: 3)
        #expect(try await routers.decisions(0).first { $0.trackingID == later }?.dataVersion == "test-2")
        // The version in use is on /metrics, for an operator comparing instances.
        let metrics = try await httpGet("http://127.0.0.1:\(routers.httpPorts[0])/metrics")
        #expect(metrics.contains("iblagh_router_reference_data{version=\"test-2\"} 1"))
    }

    @Test("iblagh route explains a decision; iblagh reroute keeps the history and publishes the correction",
          arguments: StoreKind.allCases)
    func routeAndReroute(store: StoreKind) async throws {
        let preview = try await run(iblaghPath, ["route", "Kenitra", "--category", "sextortion", "--minor", "--reference", RouterFixture.repositoryReference])
        #expect(preview.status == 0, "\(preview.error)")
        #expect(preview.output.contains("Wilaya de sûreté de Kénitra"))
        #expect(preview.output.contains("urgent"))
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake)
        let tracker = try await routers.tracker()
        defer { Task { await tracker.stop() } }
        let trackingID = try await submit(intake, residence: "Sidi", key: "rr-1")
        #expect(try await tracker.wait(for: 1).count == 1)
        let reroute = try await run(iblaghPath, [
            "reroute", "--db", try await intake.databaseLocation("router"), "--tracking", trackingID, "--province", "sidi-kacem",
            "--reason", "the reporter confirmed Sidi Kacem by phone", "--operator-name", "op-7", "--reference", RouterFixture.repositoryReference,
        ])
        #expect(reroute.status == 0, "\(reroute.error)")
        let routed = try await tracker.wait(for: 2).map { try $0.payload(as: Iblagh_V1_CaseRouted.self) }
        #expect(routed.map(\.territorialUnit.id) == ["police.national.cybercrime", "police.sidi-kacem"])
        #expect(routed.last?.ruleCodes.first == "operator-reroute")
        let history = try await routers.decisions(0).filter { $0.trackingID == trackingID }
        #expect(history.map(\.version) == [1, 2])
    }

    private func waitForDecisions(_ routers: RouterFixture, count: Int) async throws {
        let deadline = Date().addingTimeInterval(30)
        while try await routers.decisions(0).count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }

    private func waitForLog(_ process: ServiceProcess, _ text: String) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let log = try? String(contentsOfFile: process.errorPath ?? "", encoding: .utf8), log.contains(text) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no \"\(text)\" in the router's log")
    }
}
