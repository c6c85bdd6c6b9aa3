import Foundation
@testable import Intake
import Testing

@Suite("Tracking ids and receipt secrets: their shape, and the year and millisecond an id carries")
struct TrackingIDTests {
    /// The millisecond of the year written in an id's 7 time characters.
    private func millisecond(of id: String) -> Int {
        let time = id.split(separator: "-")[2].prefix(7)
        return time.reduce(0) { $0 << 5 | (ReceiptCode.alphabet.firstIndex(of: $1) ?? -1_000_000) }
    }

    private func utc(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter.withMilliseconds.date(from: text))
    }

    @Test("an id names its year and the millisecond of that year, across the turn of the year")
    func yearAndMillisecond() throws {
        let cases: [(String, String, Int)] = [
            ("2026-01-01T00:00:00.000Z", "2026", 0),
            ("2026-03-05T10:20:30.456Z", "2026", (((31 + 28 + 4) * 24 + 10) * 60 + 20) * 60_000 + 30_456),
            ("2026-12-31T23:59:59.999Z", "2026", 365 * 86_400_000 - 1),
            ("2027-01-01T00:00:00.001Z", "2027", 1),
            // Back into an earlier year: the year kept from the last id is not used for a date outside it.
            ("2024-12-31T23:59:59.999Z", "2024", 366 * 86_400_000 - 1),
            ("2026-06-01T00:00:00.000Z", "2026", (31 + 28 + 31 + 30 + 31) * 86_400_000),
        ]
        for (instant, year, expected) in cases {
            let id = ReceiptCode.trackingID(at: try utc(instant))
            #expect(ReceiptCode.isTrackingID(id), "\(id)")
            #expect(id.hasPrefix("IBL-\(year)-"), "\(instant) gave \(id)")
            #expect(millisecond(of: id) == expected, "\(instant) gave \(id)")
        }
    }

    @Test("ids of the same instant differ in their 25 random bits; receipt secrets are four groups of five")
    func randomParts() throws {
        let now = Date()
        let ids = Set((0..<200).map { _ in ReceiptCode.trackingID(at: now) })
        #expect(ids.count > 195)
        let secrets = (0..<200).map { _ in ReceiptCode.receiptSecret() }
        #expect(Set(secrets).count == 200)
        for secret in secrets {
            let groups = secret.split(separator: "-", omittingEmptySubsequences: false)
            #expect(groups.count == 4 && groups.allSatisfy { $0.count == 5 }, "\(secret)")
            #expect(secret.replacingOccurrences(of: "-", with: "").allSatisfy { ReceiptCode.alphabet.contains($0) })
        }
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withMilliseconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
