import Foundation
import IblaghCrypto

/// Public ids and secrets in Crockford's base 32 (no I, L, O, U: nothing to misread when a reporter copies them).
enum ReceiptCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// `count` random characters.
    static func random(_ count: Int) -> String {
        String(SecureRandom.bytes(count).map { alphabet[Int($0 & 0x1F)] })
    }

    /// A tracking id, "IBL-2026-7K3Q9XWD2M": the year and 50 random bits.
    static func trackingID(year: Int) -> String {
        "IBL-\(year)-\(random(10))"
    }

    /// A receipt secret, "7K3Q9-XWD2M-...": 100 random bits in four groups.
    static func receiptSecret() -> String {
        (0..<4).map { _ in random(5) }.joined(separator: "-")
    }

    /// Whether `text` has the shape of a tracking id (checked before any lookup).
    static func isTrackingID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "IBL" && parts[1].count == 4 && parts[1].allSatisfy(\.isASCII) && parts[1].allSatisfy(\.isNumber)
            && parts[2].count == 10 && parts[2].allSatisfy { alphabet.contains($0) }
    }
}
