import Foundation
import Logging
import ServiceBootstrap
import Testing

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
