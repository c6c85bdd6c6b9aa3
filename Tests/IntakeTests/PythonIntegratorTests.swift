import Foundation
import Testing
import TestSupport

@Suite("An integrator in Python")
struct PythonIntegratorTests {
    @Test("deploy/examples/submit_report.py gets a tracking id from a real intake process, and a retry gets the same")
    func pythonIntegratorSubmits() async throws {
        let intake = try await IntakeFixture()
        let keys = "\(intake.directory)/keys/own"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy/examples/submit_report.py").standardized.path
        let arguments = [script, "--endpoint", intake.busEndpoint, "--server-key", "\(keys)/intake.key",
                         "--certificate", "\(keys)/acme.key_secret", "--key", "py-0001"]
        let first = try await run("/usr/bin/env", ["python3"] + arguments)
        if first.error.contains("No module named") {
            Issue.record("pyzmq/protobuf missing: run the tests through the README's test command (deploy/test.sh)")
        }
        #expect(first.status == 0, "\(first.error)")
        let trackingID = first.output.split(separator: "\n").first { $0.hasPrefix("tracking id: IBL-") }?.dropFirst("tracking id: ".count)
        #expect(trackingID != nil)
        #expect(try await intake.query("SELECT tracking_id FROM intake_report").map { $0.text("tracking_id") ?? "" } == [trackingID.map(String.init) ?? "?"])
        let again = try await run("/usr/bin/env", ["python3"] + arguments)
        #expect(again.output.contains("tracking id: \(trackingID ?? "?")"))
        #expect(again.output.contains("submitted before"))
        #expect(try await intake.count("intake_report") == 1)
    }
}

@Suite("An integrator over HTTP, in Python's standard library")
struct HTTPExampleTests {
    @Test("deploy/examples/report_over_http.py submits, attaches a file and follows the report on a real intake; a retry is the same report; a bad field is named")
    func httpExample() async throws {
        let intake = try await IntakeFixture()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy/examples/report_over_http.py").standardized.path
        let evidence = "\(intake.directory)/note d'écran.txt"
        try "what the extorter wrote\n".write(toFile: evidence, atomically: true, encoding: .utf8)
        let arguments = [script, "--url", "http://127.0.0.1:\(intake.httpPort)", "--key", "http-0001", "--evidence", evidence]
        let first = try await run("/usr/bin/env", ["python3"] + arguments)
        #expect(first.status == 0, "\(first.output)\(first.error)")
        let lines = first.output.split(separator: "\n").map(String.init)
        let tracking = try #require(lines.first { $0.hasPrefix("tracking id: IBL-") }?.dropFirst("tracking id: ".count))
        #expect(lines.contains { $0.hasPrefix("receipt secret: ") })
        #expect(lines.contains("evidence sha256: \(SHA256Hex.of(Array("what the extorter wrote\n".utf8))) (24 bytes)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("steps: received ") })
        #expect(try await intake.count("intake_evidence") == 1)

        let again = try await run("/usr/bin/env", ["python3", script, "--url", "http://127.0.0.1:\(intake.httpPort)", "--key", "http-0001"])
        #expect(again.status == 0 && again.output.contains("tracking id: \(tracking)") && again.output.contains("submitted before"), "\(again.output)")
        #expect(try await intake.count("intake_report") == 1)

        let bad = try await run("/usr/bin/env", ["python3", script, "--url", "http://127.0.0.1:\(intake.httpPort)", "--key", "http-0002", "--category", "gossip"])
        #expect(bad.status == 1 && bad.output.contains("refused (422)") && bad.output.contains("  category: "), "\(bad.output)\(bad.error)")
        #expect(try await intake.count("intake_report") == 1)
    }
}

@Suite("iblagh submit")
struct SubmitCommandTests {
    @Test("iblagh submit sends a report over the bus and prints its tracking id; a rejected field is printed")
    func submitFromTheCommandLine() async throws {
        let intake = try await IntakeFixture()
        let keys = "\(intake.directory)/keys/own"
        let common = ["submit", "--endpoint", intake.busEndpoint, "--server-key", "\(keys)/intake.key", "--certificate", "\(keys)/acme.key_secret"]
        let fraud = ["--category", "fraud", "--description", "A fake shop took my money.", "--residence", "Kénitra",
                      "--account", "url:https://shop.invalid/x", "--occurred-at", "2026-11-01T21:00:00Z"]
        let ok = try await run(iblaghPath, common + ["--key", "cli-1"] + fraud)
        #expect(ok.status == 0, "\(ok.error)")
        #expect(ok.output.contains("tracking id:    IBL-"))
        // The retry the command suggests (the same --key, the same report) is the same report, even a second later.
        try await Task.sleep(for: .milliseconds(1100))
        let retry = try await run(iblaghPath, common + ["--key", "cli-1"] + fraud)
        #expect(retry.status == 0 && retry.output.contains("was submitted before"), "\(retry.output)\(retry.error)")
        #expect(retry.output.split(separator: "\n").first == ok.output.split(separator: "\n").first)
        let reused = try await run(iblaghPath, common + ["--key", "cli-1"] + fraud.map { $0 == "Kénitra" ? "Rabat" : $0 })
        #expect(reused.status != 0 && reused.output.contains("rejected: integrator_report_key (reused)"), "\(reused.output)")
        let bad = try await run(iblaghPath, common + ["--key", "cli-2", "--category", "fraud", "--description", "x", "--residence", "", "--email", "nope"])
        #expect(bad.status != 0)
        #expect(bad.output.contains("report.residence"))
        #expect(try await intake.count("intake_report") == 1)
        // A mistake in the command line is shown with this command's usage; a failure to get an answer without it.
        let mistyped = try await run(iblaghPath, common + ["--category", "gossip", "--description", "x", "--residence", "Rabat"])
        #expect(mistyped.status != 0 && mistyped.error.contains("--category") && mistyped.error.contains("Usage: iblagh submit"), "\(mistyped.error)")
        let unanswered = try await run(iblaghPath, ["submit", "--endpoint", TestPorts.endpoint(), "--server-key", "\(keys)/intake.key",
                                                    "--certificate", "\(keys)/acme.key_secret", "--timeout", "1",
                                                    "--category", "fraud", "--description", "x", "--residence", "Rabat"])
        #expect(unanswered.status != 0 && unanswered.error.contains("no answer") && !unanswered.error.contains("Usage:"), "\(unanswered.error)")
        // A certificate intake does not admit, or intake's public key wrong: said at once, not after the timeout as
        // "no answer" (libzmq gives such a connection up without a word).
        let report = ["--category", "fraud", "--description", "x", "--residence", "Rabat", "--timeout", "60"]
        let started = ContinuousClock.now
        let stranger = try await run(iblaghPath, ["submit", "--endpoint", intake.busEndpoint, "--server-key", "\(keys)/intake.key",
                                                  "--certificate", "\(keys)/intruder.key_secret"] + report)
        #expect(stranger.status != 0 && stranger.error.contains("refused this certificate: is \(keys)/intruder.key in the service's allow-list"),
                "\(stranger.error)")
        let wrongServer = try await run(iblaghPath, ["submit", "--endpoint", intake.busEndpoint, "--server-key", "\(keys)/acme.key",
                                                     "--certificate", "\(keys)/acme.key_secret"] + report)
        #expect(wrongServer.status != 0 && wrongServer.error.contains("is --server-key the public certificate of the service"), "\(wrongServer.error)")
        #expect(ContinuousClock.now - started < .seconds(60), "the refusals waited out a timeout")
        #expect(try await intake.count("intake_report") == 1)
    }
}
