import Foundation
import IblaghSchemas
import IblaghStore

/// How long it takes: from the report to the unit's acknowledgement, to contact with the reporter, to referral to
/// the prosecution, to judgment — median and 90th percentile in hours, per region and priority, for the cases of a
/// year. A group with fewer cases than the threshold is suppressed in public mode.
public struct TimeFigures: Codable, Sendable, Equatable {
    public struct Figure: Codable, Sendable, Equatable {
        public var region: String
        public var priority: String
        public var measure: String
        public var cases: Int?
        public var medianHours: Double?
        public var p90Hours: Double?

        enum CodingKeys: String, CodingKey { case region, priority, measure, cases, medianHours = "median_hours", p90Hours = "p90_hours" }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(region, forKey: .region)
            try container.encode(priority, forKey: .priority)
            try container.encode(measure, forKey: .measure)
            try container.encode(cases, forKey: .cases)
            try container.encode(medianHours, forKey: .medianHours)
            try container.encode(p90Hours, forKey: .p90Hours)
        }
    }

    public var year: Int
    public var suppressionThreshold: Int?
    public var figures: [Figure]

    enum CodingKeys: String, CodingKey { case year, suppressionThreshold = "suppression_threshold", figures }

    static let measures: [(String, Iblagh_V1_CaseState)] = [
        ("to_acknowledgement", .acknowledged), ("to_contact", .complainantContacted), ("to_referral", .referredToProsecution), ("to_judgment", .judged),
    ]

    public static func compute(year: Int, threshold: Int?, in transaction: any StoreTransaction) throws -> TimeFigures {
        let cases = try FactTable.cases(reportedIn: year, in: transaction)
        var figures: [Figure] = []
        let groups = Dictionary(grouping: cases) { "\($0.region.isEmpty ? "unknown" : $0.region)|\($0.priority == .urgent ? "urgent" : "normal")" }
        for key in groups.keys.sorted() {
            let parts = key.split(separator: "|").map(String.init)
            for (measure, stage) in measures {
                let hours = (groups[key] ?? []).compactMap { record in record.reached(stage).map { ($0 - record.reportedAt) / 3600 } }.sorted()
                guard !hours.isEmpty else { continue }
                var figure = Figure(region: parts[0], priority: parts[1], measure: measure, cases: hours.count,
                                    medianHours: AnnualReport.rounded(percentile(hours, 50)), p90Hours: AnnualReport.rounded(percentile(hours, 90)))
                if let threshold, hours.count < threshold {
                    figure.cases = nil
                    figure.medianHours = nil
                    figure.p90Hours = nil
                }
                figures.append(figure)
            }
        }
        return TimeFigures(year: year, suppressionThreshold: threshold, figures: figures)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[max(0, min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
    }
}
