import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import Hexadecimal
import IblaghCrypto
import IblaghSchemas
import Synchronization
import Testing
import TestSupport
import ZeroMQ

@Suite("The police notifier: units told, deadlines held, escalation, consoles and webhooks", .serialized)
struct NotifierTests {
    @Test("a case routed to the Kénitra unit appears on the Kénitra console, not on Casablanca's; Casablanca asking for it is refused", arguments: StoreKind.allCases)
    func consolesSeeOnlyTheirCases(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04,06")
        // A console watching before the case exists is pushed it as it arrives.
        let watching = try await notifier.console("kenitra")
        #expect(try await notifier.request(watching, .with { $0.watch = .init() }).cases.cases.isEmpty)
        let kenitra = try await submitReport(intake, residence: "القنيطرة", key: "n-1")
        let casablanca = try await submitReport(intake, residence: "Casablanca", key: "n-2")
        let pushed = try await withTimeout(.seconds(30)) { try Iblagh_V1_Envelope(frame: try await watching.receive().frames.last ?? []) }
        #expect(try pushed?.payload(as: Iblagh_V1_ConsoleEvent.self).case.trackingID == kenitra)
        let seen = try await notifier.waitForCase("kenitra") { $0.trackingID == kenitra }
        #expect(seen?.state == "notified")
        #expect(seen?.routingExplanation.contains("Kénitra") == true)
        _ = try await notifier.waitForCase("casablanca") { $0.trackingID == casablanca }
        #expect(try await notifier.openCases("kenitra").map(\.trackingID) == [kenitra])
        #expect(try await notifier.openCases("casablanca").map(\.trackingID) == [casablanca])
        let other = try await notifier.console("casablanca")
        let refused = try await notifier.request(other, .with { $0.acknowledge = .with { $0.trackingID = kenitra; $0.officerID = "c-1" } })
        #expect(refused.refused.code == "not_your_case")
        let unknown = try await notifier.request(other, .with { $0.acknowledge = .with { $0.trackingID = "IBL-2026-000000000000"; $0.officerID = "c-1" } })
        #expect(unknown.refused.code == "not_your_case")
        // The competent console acknowledges, then records the contact.
        let ack = try await notifier.request(watching, .with { $0.acknowledge = .with { $0.trackingID = kenitra; $0.officerID = "k-7" } })
        #expect(ack.updated.state == "acknowledged")
        let contact = try await notifier.request(watching, .with { $0.recordContact = .with { $0.trackingID = kenitra; $0.officerID = "k-7"; $0.method = .phone } })
        #expect(contact.updated.state == "contacted")
        #expect(try await notifier.openCases("kenitra").isEmpty)
        // The tracker hears each step, once.
        let tracker = try await notifier.tracker()
        defer { Task { await tracker.stop() } }
        let events = try await tracker.wait(for: 4).filter { $0.messageID.contains(kenitra) }
        #expect(events.map(\.type) == [.unitNotified, .unitAcknowledged, .complainantContacted])
        #expect(try events[0].payload(as: Iblagh_V1_UnitNotified.self).unit.id == "police.wilaya.kenitra")
        #expect(try events[1].payload(as: Iblagh_V1_UnitAcknowledged.self).officerID == "k-7")
    }

    @Test("every case of a burst reaches the watching console, the last ones too")
    func burstIsPushedWhole() async throws {
        let intake = try await IntakeFixture(store: .sqlite)
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04")
        let watching = try await notifier.console("kenitra")
        #expect(try await notifier.request(watching, .with { $0.watch = .init() }).cases.cases.isEmpty)
        // Reports in waves from several connections: the notifier commits its assignments in batches while pushes
        // read — a commit that came during a push's read used to wait for the next commit to be pushed, and the
        // last wave's for ever.
        var submitted = Set<String>()
        for wave in 0..<5 {
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask { try await submitReport(intake, residence: "Kénitra", key: "burst-\(wave)-\(index)") }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            submitted.formUnion(ids)
        }
        var pushed = Set<String>()
        while pushed.count < submitted.count {
            guard let event = try await withTimeout(.seconds(20), { try await watching.receive() }) else { break }
            if let envelope = try? Iblagh_V1_Envelope(frame: event.frames.last ?? []), envelope.type == .consoleEvent {
                pushed.insert(try envelope.payload(as: Iblagh_V1_ConsoleEvent.self).case.trackingID)
            }
        }
        #expect(pushed == submitted)
    }

    @Test("iblagh console lists the unit's cases and acknowledges one, in words a person reads")
    func consoleCommand() async throws {
        let intake = try await IntakeFixture()
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04")
        let kenitra = try await submitReport(intake, residence: "Kénitra", key: "cli-1", minor: true)
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == kenitra }
        let common = ["console", "--unit", "police.wilaya.kenitra", "--endpoint", notifier.consoleEndpoint,
                      "--server-key", "\(notifier.keys)/own/notifier.key", "--certificate", "\(notifier.keys)/own/console-kenitra.key_secret"]
        let listed = try await run(iblaghPath, common + ["--list"])
        #expect(listed.status == 0, "\(listed.error)")
        #expect(listed.output.contains("1 open case(s)") && listed.output.contains(kenitra) && listed.output.contains("URGENT"))
        let acknowledged = try await run(iblaghPath, common + ["--acknowledge", kenitra, "--officer", "k-3"])
        #expect(acknowledged.status == 0 && acknowledged.output.contains("acknowledged \(kenitra)"))
        let again = try await run(iblaghPath, common + ["--contacted", "IBL-2026-000000000000", "--officer", "k-3"])
        #expect(again.status != 0 && again.output.contains("not_your_case"))
    }

    @Test("a watching iblagh console prints each new case as it comes, to a file too, and goes on after the notifier crashed and restarted")
    func consoleWatchOutlivesNotifierRestart() async throws {
        let intake = try await IntakeFixture()
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04")
        let watching = try ServiceProcess(
            iblaghPath, ["console", "--unit", "police.wilaya.kenitra", "--endpoint", notifier.consoleEndpoint,
                         "--server-key", "\(notifier.keys)/own/notifier.key", "--certificate", "\(notifier.keys)/own/console-kenitra.key_secret"],
            outputPath: "\(notifier.directory)/console.out")
        defer { watching.stop() }
        // Standard output is a file here, as under a supervisor or in a pipe: each line must be there when printed.
        _ = try await watching.waitForLine("watching for new cases", within: 30)
        let first = try await submitReport(intake, residence: "Kénitra", key: "watch-1")
        _ = try await watching.waitForLine("new: \(first)", within: 30)
        // The notifier forgets its watchers when it dies: the console must watch again once it is back.
        try await notifier.crashAndRestart()
        let second = try await submitReport(intake, residence: "Kénitra", key: "watch-2")
        _ = try await watching.waitForLine("new: \(second)", within: 30)
        let shown = try String(contentsOfFile: watching.outputPath, encoding: .utf8).split(separator: "\n")
        #expect(shown.filter { $0.contains(first) }.count == 1, "a case shown again after the reconnection: \(shown)")
    }

    @Test("acknowledged in time: no escalation; not acknowledged: the supervisor, then the national unit, each at its deadline", arguments: StoreKind.allCases)
    func deadlinesAndEscalation(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04,06")
        let taken = try await submitReport(intake, residence: "Kénitra", key: "d-1")
        let ignored = try await submitReport(intake, residence: "Kenitra", key: "d-2")
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == ignored }
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == taken }
        let console = try await notifier.console("kenitra")
        #expect(try await notifier.request(console, .with { $0.acknowledge = .with { $0.trackingID = taken; $0.officerID = "k-1" } }).updated.state == "acknowledged")
        // One second before the acknowledgement deadline (1 h for a normal case): nothing moves.
        try notifier.setClock(3599)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await notifier.assignments(ignored).map(\.level) == [0])
        // Past it: the regional supervisor is told.
        try notifier.setClock(3601)
        let supervisor = try await notifier.waitForCase("supervisor-04") { $0.trackingID == ignored }
        #expect(supervisor?.escalationLevel == 1)
        #expect(try await notifier.assignments(taken).map(\.level) == [0])
        // The supervisor does not acknowledge either: the national unit, one deadline later.
        try notifier.setClock(7203)
        let national = try await notifier.waitForCase("national") { $0.trackingID == ignored }
        #expect(national?.escalationLevel == 2)
        let chain = try await notifier.assignments(ignored)
        #expect(chain.map(\.unit) == ["police.wilaya.kenitra", "police.region.04.supervisor", "police.national.cybercrime"])
        #expect(chain.map(\.notifiedAt) == [NotifierFixture.start, NotifierFixture.start + 3601, NotifierFixture.start + 7203])
        // The end of the chain: nothing further.
        try notifier.setClock(20_000)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await notifier.assignments(ignored).count == 3)
    }

    @Test("acknowledged but the reporter not contacted in time: the next level is told that the contact deadline passed")
    func contactDeadline() async throws {
        let intake = try await IntakeFixture()
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04")
        let tracker = try await notifier.tracker()
        defer { Task { await tracker.stop() } }
        let trackingID = try await submitReport(intake, residence: "Kénitra", key: "cd-1")
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == trackingID }
        let console = try await notifier.console("kenitra")
        try notifier.setClock(60)
        #expect(try await notifier.request(console, .with { $0.acknowledge = .with { $0.trackingID = trackingID; $0.officerID = "k-2" } }).updated.state == "acknowledged")
        // 24 h to contact a normal case's reporter, counted from the notification: past it, the supervisor is told.
        try notifier.setClock(86_401)
        _ = try await notifier.waitForCase("supervisor-04") { $0.trackingID == trackingID }
        let events = try await tracker.wait(for: 3)
        let escalated = try events.first { $0.type == .escalated }.map { try $0.payload(as: Iblagh_V1_Escalated.self) }
        #expect(escalated?.reason == .contactDeadlineMissed)
        #expect(escalated?.fromUnit.id == "police.wilaya.kenitra" && escalated?.toUnit.id == "police.region.04.supervisor")
    }

    @Test("kill -9 the notifier with deadlines pending: after the restart they still fire, at the right time", arguments: StoreKind.allCases)
    func deadlinesSurviveACrash(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let routers = try await RouterFixture(intake: intake)
        let notifier = try await NotifierFixture(routers: routers, regions: "04,06")
        let urgent = try await submitReport(intake, residence: "Kénitra", key: "c-1", minor: true)  // 15 min to acknowledge
        _ = try await notifier.waitForCase("kenitra") { $0.trackingID == urgent }
        try await notifier.crashAndRestart()
        try notifier.setClock(899)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await notifier.assignments(urgent).count == 1, "escalated before its deadline")
        notifier.process.crash()
        try notifier.setClock(901)  // the deadline passes while the notifier is down
        try await notifier.crashAndRestart()
        let supervisor = try await notifier.waitForCase("supervisor-04") { $0.trackingID == urgent }
        #expect(supervisor?.escalationLevel == 1)
        #expect(try await notifier.assignments(urgent).map(\.level) == [0, 1])
    }

    @Test("two regional notifiers: each gets only its region's cases")
    func regionalNotifiers() async throws {
        let intake = try await IntakeFixture()
        let routers = try await RouterFixture(intake: intake, notifiers: [("notifier-04", "notifier:04"), ("notifier-06", "notifier:06")])
        let rabatSale = try await NotifierFixture(routers: routers, name: "notifier-04", regions: "04")
        let kenitra = try await submitReport(intake, residence: "Kénitra", key: "r-1")
        let rabat = try await submitReport(intake, residence: "Rabat", key: "r-2")
        let casablanca = try await submitReport(intake, residence: "الدار البيضاء", key: "r-3")
        _ = try await rabatSale.waitForCase("kenitra") { $0.trackingID == kenitra }
        // Region 06's notifier is not running yet: its case waits at the router, and arrives when it comes up.
        try await Task.sleep(for: .seconds(1))
        let casablancaSettat = try await NotifierFixture(routers: routers, name: "notifier-06", regions: "06")
        _ = try await casablancaSettat.waitForCase("casablanca") { $0.trackingID == casablanca }
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await rabatSale.caseCount() == 2)
        #expect(try await casablancaSettat.caseCount() == 1)
        #expect(try await rabatSale.assignments(rabat).count == 1)
        #expect(try await casablancaSettat.assignments(kenitra).isEmpty)
    }

    @Test("deploy/examples/webhook_receiver.py gets the Kénitra unit's case from a real notifier; a repeat is acted on once, a forged delivery refused")
    func pythonWebhookReceiver() async throws {
        let intake = try await IntakeFixture()
        let secretFile = "\(intake.directory)/kenitra.webhook"
        let secret = Array("a webhook secret of thirty-two b.".utf8)
        try Data(secret).write(to: URL(fileURLWithPath: secretFile))
        let port = try freePort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy/examples/webhook_receiver.py").standardized.path
        let receiver = try ServiceProcess("/usr/bin/env", ["python3", script, "--port", "\(port)", "--secret-file", secretFile], outputPath: "\(intake.directory)/receiver.out")
        defer { receiver.stop() }
        _ = try await receiver.waitForLine("listening on 127.0.0.1:\(port)", within: 30)
        let routers = try await RouterFixture(intake: intake)
        let units: [String: Any] = [
            "defaults": ["escalation": ["police.national.cybercrime"],
                         "deadlines": ["normal": ["acknowledgeSeconds": 3600, "contactSeconds": 86400], "urgent": ["acknowledgeSeconds": 900, "contactSeconds": 7200]]],
            "units": [["id": "police.wilaya.kenitra", "region": "04", "webhook": ["url": "http://127.0.0.1:\(port)/iblagh", "secretFile": secretFile]]],
        ]
        let notifier = try await NotifierFixture(routers: routers, regions: "04", units: units, testClock: false)
        let urgent = try await submitReport(intake, residence: "Kénitra", key: "py-webhook", minor: true)
        let line = try await receiver.waitForLine(urgent, within: 30)
        #expect(line.hasPrefix("\(urgent) urgent acknowledge by 20"), "\(line)")

        // The notifier's retry of a delivery already acted on: acknowledged, not acted on again. A forgery: refused.
        let body = Array(#"{"acknowledge_by":"2026-12-01T08:00:00Z","delivery_id":"\#(urgent):police.wilaya.kenitra:0","escalation_level":0,"notified_at":"2026-12-01T07:00:00Z","priority":"urgent","tracking_id":"\#(urgent)","unit_id":"police.wilaya.kenitra"}"#.utf8)
        func deliver(signedWith key: [UInt8]) async throws -> Int {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/iblagh")!)
            request.httpMethod = "POST"
            request.httpBody = Data(body)
            request.setValue("\(urgent):police.wilaya.kenitra:0", forHTTPHeaderField: "Iblagh-Delivery")
            request.setValue("sha256=" + Hex.string(HMACSHA256.authenticationCode(for: body, key: key)), forHTTPHeaderField: "Iblagh-Signature")
            return (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        #expect(try await deliver(signedWith: secret) == 204)
        #expect(try await deliver(signedWith: Array("not the unit's secret, thirty-two".utf8)) == 401)
        _ = try await receiver.waitForLine("refused: a delivery whose signature is not ours", within: 10)
        let printed = try String(contentsOfFile: receiver.outputPath, encoding: .utf8)
        #expect(printed.components(separatedBy: urgent).count - 1 == 1, "\(printed)")
        _ = notifier
    }

    @Test("a webhook receiver that is down for a while gets every delivery exactly once after it comes back, signed",
          arguments: StoreKind.allCases)
    func webhooksAreNeverLost(store: StoreKind) async throws {
        let secret = Array("a webhook secret of thirty-two b.".utf8)
        let intake = try await IntakeFixture(store: store)
        try Data(secret).write(to: URL(fileURLWithPath: "\(intake.directory)/kenitra.webhook"))
        let port = try freePort()
        let routers = try await RouterFixture(intake: intake)
        let units: [String: Any] = [
            "defaults": ["escalation": ["police.national.cybercrime"],
                         "deadlines": ["normal": ["acknowledgeSeconds": 3600, "contactSeconds": 86400], "urgent": ["acknowledgeSeconds": 900, "contactSeconds": 7200]]],
            "units": [["id": "police.wilaya.kenitra", "region": "04",
                       "webhook": ["url": "http://127.0.0.1:\(port)/iblagh", "secretFile": "\(intake.directory)/kenitra.webhook"]]],
        ]
        let notifier = try await NotifierFixture(routers: routers, regions: "04", units: units, testClock: false)
        var cases: [String] = []
        for index in 0..<3 { cases.append(try await submitReport(intake, residence: "Kénitra", key: "w-\(index)")) }
        // Nothing listens yet: the deliveries are attempted and kept.
        try await Task.sleep(for: .seconds(1))
        let received = Mutex<[(id: String, valid: Bool, body: String)]>([])
        let router = Router()
        router.post("/iblagh") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = Array(buffer: try await request.collectBody(upTo: 1 << 16))
            let signature = request.headers[HTTPField.Name("Iblagh-Signature")!] ?? ""
            let expected = "sha256=" + Hex.string(HMACSHA256.authenticationCode(for: body, key: secret))
            received.withLock { $0.append((request.headers[HTTPField.Name("Iblagh-Delivery")!] ?? "", signature == expected, String(decoding: body, as: UTF8.self))) }
            return .ok
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        let deadline = Date().addingTimeInterval(30)
        while received.withLock({ $0.count }) < 3, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .seconds(1))  // time for a duplicate to show, if there were one
        let deliveries = received.withLock { $0 }
        #expect(deliveries.count == 3)
        #expect(Set(deliveries.map(\.id)) == Set(cases.map { "\($0):police.wilaya.kenitra:0" }))
        #expect(deliveries.allSatisfy { $0.valid })
        #expect(deliveries.allSatisfy { !$0.body.contains(Canary.name) && !$0.body.contains(Canary.description) })
        _ = notifier
    }
}
