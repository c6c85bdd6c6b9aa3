import Foundation
import IblaghCrypto

/// Public ids and secrets in Crockford's base 32 (no I, L, O, U: nothing to misread when a reporter copies them).
enum ReceiptCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// `count` random characters.
    static func random(_ count: Int) -> String {
        String(SecureRandom.bytes(count).map { alphabet[Int($0 & 0x1F)] })
    }

    /// A tracking id, "IBL-2026-0Q3K7XWD2M4P": the year, the millisecond of the year (7 characters) and 25 random
    /// bits. Ids in the order they are issued sit together at the end of the database's indexes: with the second of
    /// the year and 35 random bits, every report of one second went to a random page among that second's, and a
    /// commit of a hundred reports wrote a hundred pages of `intake_report` and of the outbox's id index, not a few.
    /// The id is public; the receipt secret (100 random bits) is what guards a report.
    static func trackingID(at date: Date, calendar: Calendar = utc) -> String {
        let year = calendar.component(.year, from: date)
        let start = calendar.date(from: DateComponents(year: year, month: 1, day: 1)) ?? date
        let millisecond = max(0, Int(date.timeIntervalSince(start) * 1_000))
        let time = (0..<7).reversed().map { alphabet[(millisecond >> ($0 * 5)) & 0x1F] }
        return "IBL-\(year)-" + String(time) + random(5)
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    /// A receipt secret, "7K3Q9-XWD2M-...": 100 random bits in four groups.
    static func receiptSecret() -> String {
        (0..<4).map { _ in random(5) }.joined(separator: "-")
    }

    /// Whether `text` has the shape of a tracking id (checked before any lookup).
    static func isTrackingID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "IBL" && parts[1].count == 4 && parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber)
            && parts[2].count == 12 && parts[2].allSatisfy { alphabet.contains($0) }
    }
}
