import Foundation
import IblaghSchemas
import Logging
import ServiceBootstrap
import Testing
import TestSupport

@Suite("Log lines: one write each, UTC to the millisecond")
struct LineLogHandlerTests {
    @Test("a line carries the time in UTC, the level, the label, sorted metadata, the source and the message")
    func format() async throws {
        let lines = try await logged { descriptor in
            var handler = LineLogHandler(label: "iblagh.test", descriptor: descriptor, metadataProvider: nil)
            handler[metadataKey: "store"] = "intake.db"
            Logger(label: "iblagh.test", factory: { _ in handler })
                .info("report accepted", metadata: ["tracking_id": "IBL-2026-X", "channel": "bus"])
        }
        let line = try #require(lines.first)
        let pattern = #/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z (.*)$/#
        let match = try #require(line.wholeMatch(of: pattern), "\(line)")
        #expect(match.8 == "info iblagh.test: channel=bus store=intake.db tracking_id=IBL-2026-X [IntakeTests] report accepted")
        var parts = DateComponents()
        parts.timeZone = TimeZone(identifier: "UTC")
        (parts.year, parts.month, parts.day) = (Int(match.1), Int(match.2), Int(match.3))
        (parts.hour, parts.minute, parts.second, parts.nanosecond) = (Int(match.4), Int(match.5), Int(match.6), Int(match.7)! * 1_000_000)
        let stamped = try #require(Calendar(identifier: .gregorian).date(from: parts))
        #expect(abs(stamped.timeIntervalSinceNow) < 60, "\(line) is not the time now in UTC")
    }

    @Test("a JSON line is one object with the same fields; quotes, backslashes, newlines and control characters escaped, Arabic as it is")
    func json() async throws {
        let lines = try await logged { descriptor in
            var handler = LineLogHandler(label: "iblagh.test", descriptor: descriptor, format: .json, metadataProvider: nil)
            handler[metadataKey: "store"] = "intake.db"
            Logger(label: "iblagh.test", factory: { _ in handler }).warning(
                "refused: \"x\" \\ y\nz\u{1}",
                metadata: ["place": "القنيطرة", "counts": ["1", "two"], "nested": ["a": "b"], "tracking_id": "IBL-2026-X"])
        }
        #expect(lines.count == 1)
        let first = try #require(lines.first)
        let parsed = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        let object = try #require(parsed)
        #expect(object["level"] as? String == "warning" && object["logger"] as? String == "iblagh.test")
        #expect(object["source"] as? String == "IntakeTests" && object["message"] as? String == "refused: \"x\" \\ y\nz\u{1}")
        let stamp = try #require(object["time"] as? String)
        #expect(stamp.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/#) != nil, "\(stamp)")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["place"] as? String == "القنيطرة" && metadata["store"] as? String == "intake.db")
        #expect(metadata["counts"] as? [String] == ["1", "two"] && metadata["nested"] as? [String: String] == ["a": "b"])
        #expect(metadata["tracking_id"] as? String == "IBL-2026-X")
        #expect(lines[0].contains("القنيطرة"), "non-ASCII text is written as it is, not as \\u escapes")
    }

    @Test("a service with log.format = json writes every line as JSON, and an unknown format is refused by name")
    func serviceLogsJSON() async throws {
        let intake = try await IntakeFixture(logFormat: "json")
        let bus = try await intake.integrator()
        let reply = try await intake.submit(Canary.submit(key: "json-log-1"), on: bus).payload(as: Iblagh_V1_SubmitReportReply.self)
        #expect(!reply.accepted.trackingID.isEmpty)
        let deadline = Date().addingTimeInterval(30)
        var lines: [Substring] = []
        while Date() < deadline {
            lines = try String(contentsOfFile: intake.logPath, encoding: .utf8).split(separator: "\n")
            if lines.contains(where: { $0.contains("\"report accepted\"") }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(lines.count > 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
        }
        let accepted = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["message"] as? String == "report accepted" }
        #expect((accepted?["metadata"] as? [String: Any])?["tracking_id"] is String)

        let refused = try await run(builtExecutable("iblagh-intake"), ["--log-format", "yaml"], timeout: 60)
        #expect(refused.status == 1 && refused.error.contains("configuration log.format: \"yaml\" is not one of text, json"), "\(refused.error)")
        // A bad setting read after the format is known is written as JSON too: a collector reading JSON loses nothing.
        let stopped = try await run(builtExecutable("iblagh-intake"), ["--log-format", "json", "--intake-http-port", "eighty"], timeout: 60)
        let fatal = try JSONSerialization.jsonObject(with: Data(stopped.error.trimmingCharacters(in: .newlines).utf8)) as? [String: Any]
        #expect(stopped.status == 1 && fatal?["level"] as? String == "critical" && fatal?["logger"] as? String == "iblagh-intake", "\(stopped.error)")
        #expect((fatal?["message"] as? String)?.hasPrefix("configuration intake.http.port: ") == true, "\(stopped.error)")
    }

    @Test("milliseconds are written with three digits, before 1970 too")
    func timestamps() {
        #expect(LineLogHandler.timestamp(Date(timeIntervalSince1970: 1_796_046_551.125)) == "2026-11-30T13:49:11.125Z")
        #expect(LineLogHandler.timestamp(Date(timeIntervalSince1970: 0.5)) == "1970-01-01T00:00:00.500Z")
        #expect(LineLogHandler.timestamp(Date(timeIntervalSince1970: -0.25)) == "1969-12-31T23:59:59.750Z")
    }

    @Test("lines logged from many threads at once arrive whole")
    func concurrent() async throws {
        let lines = try await logged { descriptor in
            let logger = Logger(label: "iblagh.test", factory: { LineLogHandler(label: $0, descriptor: descriptor, metadataProvider: nil) })
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for index in 0..<250 { logger.info("line", metadata: ["thread": "\(thread)", "index": "\(index)"]) }
            }
        }
        #expect(lines.count == 2_000)
        #expect(lines.allSatisfy { $0.hasSuffix("[IntakeTests] line") && $0.contains(" info iblagh.test: index=") })
    }

    /// The lines `body` logs into a pipe, read while it writes (more than a pipe holds).
    private func logged(_ body: (Int32) -> Void) async throws -> [String] {
        let pipe = Pipe()
        let reader = Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }
        body(pipe.fileHandleForWriting.fileDescriptor)
        try pipe.fileHandleForWriting.close()
        return String(decoding: await reader.value, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
