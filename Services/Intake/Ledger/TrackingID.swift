import Foundation
import IblaghCrypto

/// Public ids and secrets in Crockford's base 32 (no I, L, O, U: nothing to misread when a reporter copies them).
enum ReceiptCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// `count` random characters.
    static func random(_ count: Int) -> String {
        String(SecureRandom.bytes(count).map { alphabet[Int($0 & 0x1F)] })
    }

    /// A tracking id, "IBL-2026-0Q3K7XWD2M4P": the year, the second of the year (5 characters, so ids of one period
    /// sit together in the database's indexes instead of dirtying a random page each) and 35 random bits.
    static func trackingID(at date: Date, calendar: Calendar = utc) -> String {
        let year = calendar.component(.year, from: date)
        let start = calendar.date(from: DateComponents(year: year, month: 1, day: 1)) ?? date
        let second = max(0, Int(date.timeIntervalSince(start)))
        let time = (0..<5).reversed().map { alphabet[(second >> ($0 * 5)) & 0x1F] }
        return "IBL-\(year)-" + String(time) + random(7)
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
