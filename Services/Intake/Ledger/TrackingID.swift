import Foundation
import IblaghCrypto
import IblaghSchemas
import Synchronization

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
    static func trackingID(at date: Date) -> String {
        let current = year(containing: date)
        // To the nearest millisecond: a time 1 ms into the year is 0.000999… s in binary floating point.
        let millisecond = max(0, Int((date.timeIntervalSince(current.start) * 1_000).rounded()))
        let time = (0..<7).reversed().map { alphabet[(millisecond >> ($0 * 5)) & 0x1F] }
        return "IBL-\(current.number)-" + String(time) + random(5)
    }

    /// A receipt secret, "7K3Q9-XWD2M-...": 100 random bits in four groups (one draw).
    static func receiptSecret() -> String {
        let characters = random(20)
        return (0..<4).map { group in characters.dropFirst(group * 5).prefix(5) }.joined(separator: "-")
    }

    /// The year of the last id, kept for the next: Foundation's calendar took 3.6 % of intake's CPU to find the
    /// year's start for every report.
    private static let latestYear = Mutex<UTCYear?>(nil)

    private static func year(containing date: Date) -> UTCYear {
        if let year = latestYear.withLock({ $0 }), year.contains(date) { return year }
        let year = UTCYear(containing: date)
        latestYear.withLock { $0 = year }
        return year
    }

    /// Whether `text` has the shape of a tracking id (checked before any lookup).
    static func isTrackingID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "IBL" && parts[1].count == 4 && parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber)
            && parts[2].count == 12 && parts[2].allSatisfy { alphabet.contains($0) }
    }
}
