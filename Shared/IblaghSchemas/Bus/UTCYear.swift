import Foundation

/// A calendar year in UTC and the instants it begins and ends: the year of a tracking id, and the year statistics
/// counts a case in.
public struct UTCYear: Sendable, Equatable {
    public let number: Int
    public let start: Date
    /// The start of the next year.
    public let end: Date

    public init(_ number: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        self.number = number
        start = calendar.date(from: DateComponents(year: number, month: 1, day: 1)) ?? Date(timeIntervalSince1970: 0)
        end = calendar.date(from: DateComponents(year: number + 1, month: 1, day: 1)) ?? start
    }

    /// The year `date` falls in.
    public init(containing date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        self.init(calendar.component(.year, from: date))
    }

    public func contains(_ date: Date) -> Bool { start <= date && date < end }
}
