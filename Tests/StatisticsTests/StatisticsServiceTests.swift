import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IblaghSchemas
import IblaghStore
import ReliableHop
import Statistics
import Testing
import TestSupport
import ZeroMQ

@Suite("The statistics service as a process, fed through the reliable hop")
struct StatisticsServiceTests {
    @Test("facts published by a tracker's dispatcher reach the report: public (suppressed), internal with the operator key, CSV, HTML and the CLI")
    func reportsOverHTTP() async throws {
        let service = try StatisticsProcess()
        let directory = service.directory
        // The tracker's side: an outbox of facts and its dispatcher, in this process.
        let store = try SQLiteStore(path: "\(directory)/tracker.db", migrations: HopSchema.migrations)
        var facts = YearOfFacts()
        facts.add(12, .sextortion, year: 2023, persons: 14, furthest: .personsProsecuted)
        facts.add(3, .fraud, year: 2023)
        facts.add(9, .otherCybercrime, year: 2023)
        let allFacts = facts.facts
        try await store.write { transaction in
            for (index, fact) in allFacts.enumerated() {
                try Outbox.enqueue(try Iblagh_V1_Envelope(wrapping: fact, messageID: "fact-\(index)", producer: "tracker"), for: ["statistics"], in: transaction)
            }
        }
        let context = try ZMQContext()
        let dispatcher = try await Dispatcher(
            configuration: DispatcherConfiguration(endpoint: "tcp://127.0.0.1:*", keyPair: service.tracker, consumers: AllowList([service.statistics.publicKey: "statistics"])),
            context: context, store: store)
        defer { Task { await dispatcher.stop() } }
        let (process, port) = try await service.start(tracker: dispatcher.boundEndpoint)
        defer { process.stop() }
        let base = "http://127.0.0.1:\(port)/v1/reports/annual?year=2023"

        var report: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(30)
        repeat {
            report = try JSONSerialization.jsonObject(with: Data(try await httpGet(base).utf8)) as? [String: Any] ?? [:]
            if report["total_cases"] as? Int == 24 { break }
            try await Task.sleep(for: .milliseconds(200))
        } while Date() < deadline
        #expect(report["total_cases"] as? Int == 24)
        let lines = report["by_category"] as? [[String: Any]] ?? []
        #expect(lines.first { $0["name"] as? String == "sextortion" }?["cases"] as? Int == 12)
        #expect(lines.first { $0["name"] as? String == "fraud" }?["cases"] is NSNull, "3 cases are below the threshold")

        var privileged = URLRequest(url: URL(string: base + "&internal=1")!)
        privileged.setValue(StatisticsProcess.operatorKey, forHTTPHeaderField: "Iblagh-Operator-Key")
        let (data, _) = try await URLSession.shared.data(for: privileged)
        let full = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        #expect((full["by_category"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "fraud" }?["cases"] as? Int == 3)
        var wrong = URLRequest(url: URL(string: base + "&internal=1")!)
        wrong.setValue("not-the-key", forHTTPHeaderField: "Iblagh-Operator-Key")
        #expect((try await URLSession.shared.data(for: wrong).1 as? HTTPURLResponse)?.statusCode == 403)

        #expect(try await httpGet(base + "&format=csv").contains("category,sextortion,12,14,50.0,"))
        let page = try await httpGet("http://127.0.0.1:\(port)/?year=2023&lang=en")
        #expect(page.contains("<svg") && page.contains("Online crime reports, 2023") && page.contains("Rabat-Salé-Kénitra"))
        // The public page in Arabic (right to left) and French, its style from the service itself under a strict CSP.
        let (arabic, answer) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/?year=2023&lang=ar")!)
        let arabicPage = String(decoding: arabic, as: UTF8.self)
        #expect(arabicPage.contains("<html lang=\"ar\" dir=\"rtl\">") && arabicPage.contains("الابتزاز الجنسي") && arabicPage.contains("الرباط سلا القنيطرة"))
        #expect(arabicPage.contains("&lt;5") && !arabicPage.contains("<style") && !arabicPage.contains("<script"))
        let policy = (answer as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Security-Policy") ?? ""
        #expect(policy.hasPrefix("default-src 'none'; style-src 'self'") && !policy.contains("unsafe-inline"))
        #expect(try await httpGet("http://127.0.0.1:\(port)/?year=2023&lang=fr").contains("Dossiers par catégorie"))
        #expect(try await httpGet("http://127.0.0.1:\(port)/static/statistics.css").contains("svg text"))

        let cli = try await run(iblaghPath, ["stats", "annual", "--db", "\(directory)/statistics.db", "--year", "2023", "--format", "csv"])
        #expect(cli.status == 0 && cli.output.contains("category,sextortion,12,14,50.0,"), "\(cli.error)")

        // Every answer has the shape docs/openapi/statistics.json describes.
        let spec = try OpenAPIDocument("statistics.json")
        func object(_ path: String) async throws -> (status: Int, object: [String: Any]) {
            let answer = try await httpAnswer("http://127.0.0.1:\(port)\(path)")
            return (answer.status, try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]))
        }
        #expect(try spec.conforms(report, to: "AnnualReport"))
        #expect(try spec.conforms(full, to: "AnnualReport"))
        for line in ["by_category", "by_region", "by_office"].flatMap({ report[$0] as? [[String: Any]] ?? [] }) { #expect(try spec.conforms(line, to: "Line")) }
        let funnel = try await object("/v1/reports/funnel?year=2023&category=sextortion").object
        #expect(try spec.conforms(funnel, to: "Funnel"))
        let stages = funnel["stages"] as? [[String: Any]] ?? []
        #expect(!stages.isEmpty)
        #expect(try stages.allSatisfy { try spec.conforms($0, to: "FunnelStage") })
        let times = try await object("/v1/reports/times?year=2023").object
        #expect(try spec.conforms(times, to: "TimeFigures"))
        let figures = times["figures"] as? [[String: Any]] ?? []
        #expect(!figures.isEmpty)
        #expect(try figures.allSatisfy { try spec.conforms($0, to: "TimeFigure") })
        let description = try await httpAnswer("http://127.0.0.1:\(port)/v1/openapi.json")
        #expect(description.status == 200)
        #expect(description.body == (try String(contentsOf: OpenAPIDocument.repository.appendingPathComponent("docs/openapi/statistics.json"), encoding: .utf8)))
        for path in ["/v1/reports/annual?year=99", "/v1/reports/annual?year=2023&format=pdf"] {
            let refused = try await object(path)
            #expect(refused.status == 400, "\(path): \(refused)")
            #expect(try spec.conforms(refused.object, to: "Error"), "\(path): \(refused)")
        }
    }
}

@Suite("Services started by a harness do not outlive it")
struct ParentWatchTests {
    @Test("a service started with IBLAGH_EXIT_WITH_PARENT=1 exits when its parent is killed outright")
    func exitsWithItsParent() async throws {
        let directory = try temporaryDirectory()
        let pair = try CurveKeyPair.generate()
        _ = try CurveCertificate.write(pair, name: "statistics", directory: directory)
        let service = builtExecutable("iblagh-statistics")
        // A shell stands in for the harness: it starts the service, prints its pid, and waits; then it is killed.
        let shell = try ChildProcess("/bin/sh", ["-c", "IBLAGH_EXIT_WITH_PARENT=1 '\(service)' --statistics-key '\(directory)/statistics.key_secret' --statistics-trackers 'tcp://127.0.0.1:1@\(directory)/statistics.key' --statistics-database '\(directory)/s.db' --statistics-http-port 0 >/dev/null 2>&1 & echo $!; wait"], output: .pipe)
        var line = ""
        var byte: UInt8 = 0
        while read(shell.outputPipe!, &byte, 1) == 1, byte != 10 { line.append(Character(UnicodeScalar(byte))) }
        close(shell.outputPipe!)
        let child = try #require(Int32(line))
        try await Task.sleep(for: .seconds(1))
        #expect(kill(child, 0) == 0, "the service is running")
        shell.signal(SIGKILL)
        shell.wait()
        let deadline = Date().addingTimeInterval(10)
        while kill(child, 0) == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(kill(child, 0) != 0, "the service outlived its parent")
        if kill(child, 0) == 0 { kill(child, SIGKILL) }
    }
}
