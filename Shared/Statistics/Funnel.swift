import Foundation
import IblaghSchemas
import IblaghStore

/// The funnel nobody publishes: of the reports of a year, how many were routed, acknowledged by a unit, led to
/// contact with the reporter, investigated, referred, prosecuted and convicted, with each stage's conversion from
/// the one before. A case counts at every stage up to the furthest it reached, so no stage exceeds the one before.
public struct Funnel: Codable, Sendable, Equatable {
    public struct Stage: Codable, Sendable, Equatable {
        public var stage: String
        public var count: Int?
        public var conversionPercent: Double?

        enum CodingKeys: String, CodingKey { case stage, count, conversionPercent = "conversion_percent" }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(stage, forKey: .stage)
            try container.encode(count, forKey: .count)
            try container.encode(conversionPercent, forKey: .conversionPercent)
        }
    }

    public var year: Int
    public var category: String?
    public var region: String?
    public var suppressionThreshold: Int?
    public var stages: [Stage]

    enum CodingKeys: String, CodingKey { case year, category, region, suppressionThreshold = "suppression_threshold", stages }

    static let path: [(name: String, state: Iblagh_V1_CaseState)] = [
        ("reports", .received), ("routed", .routed), ("acknowledged", .acknowledged), ("complainant_contacted", .complainantContacted),
        ("under_investigation", .underInvestigation), ("referred", .referredToProsecution), ("prosecuted", .personsProsecuted),
    ]
    /// The stages a funnel reports, in order: the main path's, then the cases with a person convicted.
    static let stageNames = path.map(\.name) + ["convicted"]
    static let order: [Iblagh_V1_CaseState] = [
        .received, .routed, .unitNotified, .acknowledged, .complainantContacted, .underInvestigation, .suspectsIdentified,
        .referredToProsecution, .personsProsecuted, .judged, .closed,
    ]

    public static func compute(year: Int, category: String?, region: String?, threshold: Int?, in transaction: any StoreTransaction) throws -> Funnel {
        let cases = try FactTable.cases(reportedIn: year, in: transaction)
            .filter { category == nil || $0.category.shortName == category }.filter { region == nil || $0.region == region }
        // The furthest point on the main path each case reached (closed after judgment counts as judged and beyond).
        let furthest = cases.map { record in
            order.lastIndex { record.reached($0) != nil } ?? 0
        }
        var counts = path.map { step in furthest.filter { $0 >= order.firstIndex(of: step.state)! }.count }
        counts.append(zip(cases, furthest).filter { $0.0.convicted > 0 && $0.1 >= order.firstIndex(of: .personsProsecuted)! }.count)
        var stages: [Stage] = []
        for (index, count) in counts.enumerated() {
            let before = index == 0 ? nil : counts[index - 1]
            stages.append(Stage(stage: stageNames[index], count: count,
                                conversionPercent: before.flatMap { $0 == 0 ? nil : AnnualReport.rounded(100 * Double(count) / Double($0)) }))
        }
        if let threshold {
            for index in stages.indices where Suppression.isSmall(stages[index].count ?? 0, threshold: threshold) {
                stages[index].count = nil
                stages[index].conversionPercent = nil
                if index + 1 < stages.count { stages[index + 1].conversionPercent = nil }
            }
        }
        return Funnel(year: year, category: category, region: region, suppressionThreshold: threshold, stages: stages)
    }
}
