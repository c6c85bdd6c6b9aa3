import Foundation

/// A calendar year in UTC and the instants it begins and ends: the year of a tracking id, and the year statistics
/// counts a case in.
public struct UTCYear: Sendable, Equatable {
    public let number: Int
    public let start: Date
    /// The start of the next year.
    public let end: Date

    public init(_ number: Int) {
        self.number = number
        start = Self.calendar.date(from: DateComponents(year: number, month: 1, day: 1)) ?? Date(timeIntervalSince1970: 0)
        end = Self.calendar.date(from: DateComponents(year: number + 1, month: 1, day: 1)) ?? start
    }

    /// The year `date` falls in.
    public init(containing date: Date) {
        self.init(Self.calendar.component(.year, from: date))
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    public func contains(_ date: Date) -> Bool { start <= date && date < end }
}
