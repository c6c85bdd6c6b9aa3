import Foundation
import IblaghSchemas
import IblaghStore

/// The annual report the prosecution service publishes: per category, region and prosecution office, the cases
/// registered in the year, the persons prosecuted, each line's share of all cases, and the change from the year
/// before. Shares and changes are percentages rounded to one decimal. In public mode small counts are suppressed
/// (``Suppression``): a suppressed figure is `null`.
public struct AnnualReport: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var name: String
        public var cases: Int?
        public var personsProsecuted: Int?
        public var sharePercent: Double?
        public var changePercent: Double?

        enum CodingKeys: String, CodingKey {
            case name, cases, personsProsecuted = "persons_prosecuted", sharePercent = "share_percent", changePercent = "change_percent"
        }

        /// Suppressed figures are written as `null`, not left out: a reader sees that a figure exists and is hidden.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(cases, forKey: .cases)
            try container.encode(personsProsecuted, forKey: .personsProsecuted)
            try container.encode(sharePercent, forKey: .sharePercent)
            try container.encode(changePercent, forKey: .changePercent)
        }
    }

    public var year: Int
    /// Counts below this are suppressed; nil in the internal (unsuppressed) report.
    public var suppressionThreshold: Int?
    public var rounding = "shares and changes are percentages rounded to one decimal"
    public var totalCases: Int?
    public var totalPersonsProsecuted: Int?
    public var byCategory: [Line]
    public var byRegion: [Line]
    public var byOffice: [Line]

    enum CodingKeys: String, CodingKey {
        case year, suppressionThreshold = "suppression_threshold", rounding, totalCases = "total_cases"
        case totalPersonsProsecuted = "total_persons_prosecuted", byCategory = "by_category", byRegion = "by_region", byOffice = "by_office"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(year, forKey: .year)
        try container.encode(suppressionThreshold, forKey: .suppressionThreshold)
        try container.encode(rounding, forKey: .rounding)
        try container.encode(totalCases, forKey: .totalCases)
        try container.encode(totalPersonsProsecuted, forKey: .totalPersonsProsecuted)
        try container.encode(byCategory, forKey: .byCategory)
        try container.encode(byRegion, forKey: .byRegion)
        try container.encode(byOffice, forKey: .byOffice)
    }

    /// Computes the report for `year`; `threshold` nil gives the internal report.
    public static func compute(year: Int, threshold: Int?, in transaction: any StoreTransaction) throws -> AnnualReport {
        let cases = try FactTable.cases(reportedIn: year, in: transaction)
        let previous = try FactTable.cases(reportedIn: year - 1, in: transaction)
        let total = cases.count
        func lines(_ key: (CaseRecord) -> String, names: [String] = []) -> [Line] {
            let now = Dictionary(grouping: cases, by: key), before = Dictionary(grouping: previous, by: key)
            return Set(names).union(now.keys).sorted().map { name in
                let count = now[name]?.count ?? 0, earlier = before[name]?.count ?? 0
                return Line(
                    name: name, cases: count, personsProsecuted: now[name]?.reduce(0) { $0 + $1.prosecuted } ?? 0,
                    sharePercent: total == 0 ? nil : rounded(100 * Double(count) / Double(total)),
                    changePercent: earlier == 0 ? nil : rounded(100 * Double(count - earlier) / Double(earlier)))
            }
        }
        var report = AnnualReport(
            year: year, suppressionThreshold: threshold, totalCases: total, totalPersonsProsecuted: cases.reduce(0) { $0 + $1.prosecuted },
            byCategory: lines({ $0.category.shortName }, names: Iblagh_V1_ReportCategory.shortNames.keys.sorted()),
            byRegion: lines { $0.region.isEmpty ? "unknown" : $0.region }, byOffice: lines { $0.office.isEmpty ? "unassigned" : $0.office })
        if let threshold {
            let previousCounts = { (key: (CaseRecord) -> String) in Dictionary(grouping: previous, by: key).mapValues(\.count) }
            Suppression.apply(to: &report.byCategory, total: &report.totalCases, persons: &report.totalPersonsProsecuted, threshold: threshold,
                              previous: previousCounts { $0.category.shortName })
            var regionTotal = report.totalCases, regionPersons = report.totalPersonsProsecuted
            Suppression.apply(to: &report.byRegion, total: &regionTotal, persons: &regionPersons, threshold: threshold,
                              previous: previousCounts { $0.region.isEmpty ? "unknown" : $0.region })
            var officeTotal = report.totalCases, officePersons = report.totalPersonsProsecuted
            Suppression.apply(to: &report.byOffice, total: &officeTotal, persons: &officePersons, threshold: threshold,
                              previous: previousCounts { $0.office.isEmpty ? "unassigned" : $0.office })
            // A total suppressed in any breakdown is suppressed in the report.
            if regionTotal == nil || officeTotal == nil { report.totalCases = nil }
            if regionPersons == nil || officePersons == nil { report.totalPersonsProsecuted = nil }
        }
        return report
    }

    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
