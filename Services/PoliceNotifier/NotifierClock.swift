import Foundation

/// Where the notifier's deadlines read the time. Deadlines live in the database as instants; this decides "now".
protocol NotifierClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
struct SystemClock: NotifierClock {
    func now() -> Date { Date() }
}

/// A clock read from a file holding seconds since 1970 (tests move time by writing the file, and so never sleep
/// through a deadline). An unreadable file reads as the start of time: nothing falls due by accident.
struct FileClock: NotifierClock {
    let path: String

    func now() -> Date {
        let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return Date(timeIntervalSince1970: Double(text) ?? 0)
    }
}
