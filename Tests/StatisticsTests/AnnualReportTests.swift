import Foundation
import IblaghSchemas
import IblaghStore
@testable import Statistics
import SwiftProtobuf
import Testing
import TestSupport

/// Facts for a year whose counts the test chooses.
struct YearOfFacts {
    var facts: [Iblagh_V1_CaseFact] = []
    var next = 0

    /// `count` cases of `category` reported in `year` in `region`, `persons` persons prosecuted among them, each case
    /// reaching `furthest` on the way.
    mutating func add(_ count: Int, _ category: Iblagh_V1_ReportCategory, year: Int, region: String = "04", persons: Int = 0,
                      furthest: Iblagh_V1_CaseState = .received, convicted: Bool = false) {
        let path: [Iblagh_V1_CaseState] = [.received, .routed, .unitNotified, .acknowledged, .complainantContacted, .underInvestigation,
                                           .suspectsIdentified, .referredToProsecution, .personsProsecuted, .judged]
        let start = Date(timeIntervalSince1970: FactTableYear.start(year) + 86_400)
        for index in 0..<count {
            next += 1
            let key = String(format: "case-%06d", next)
            let personsHere = persons / count + (index < persons % count ? 1 : 0)
            for (step, stage) in path.prefix(through: path.firstIndex(of: furthest) ?? 0).enumerated() {
                facts.append(.with {
                    $0.caseKey = key
                    $0.category = category
                    $0.priority = .normal
                    $0.regionCode = region
                    $0.prosecutionOfficeID = "parquet.tpi.\(region)"
                    $0.stage = stage
                    $0.reportedAt = Google_Protobuf_Timestamp(date: start)
                    $0.stageReachedAt = Google_Protobuf_Timestamp(date: start.addingTimeInterval(Double(step) * 3600))
                    if stage.rawValue >= Iblagh_V1_CaseState.personsProsecuted.rawValue { $0.personsProsecuted = UInt32(personsHere) }
                    if stage == .judged, convicted { $0.personsConvicted = UInt32(personsHere) }
                })
            }
        }
    }
}

enum FactTableYear {
    static func start(_ year: Int) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: 1, day: 1))!.timeIntervalSince1970
    }
}

func store(with facts: [Iblagh_V1_CaseFact], test: String = #function) async throws -> SQLiteStore {
    let store = try SQLiteStore(path: "\(try temporaryDirectory(test))/statistics.db", migrations: FactTable.migrations)
    try await store.write { transaction in for fact in facts { try FactTable.apply(fact, in: transaction) } }
    return store
}

@Suite("Statistics: the annual report, the funnel, the time figures, suppression")
struct AnnualReportTests {
    /// 2023 as the Presidency of the Public Prosecution reported it: 207 sextortion cases (232 persons), 40 % of all.
    static func year2023() -> YearOfFacts {
        var facts = YearOfFacts()
        facts.add(207, .sextortion, year: 2023, persons: 232, furthest: .personsProsecuted)
        facts.add(30, .childSexualExploitationMaterial, year: 2023, persons: 34, furthest: .personsProsecuted)
        facts.add(200, .fraud, year: 2023)
        facts.add(50, .incitementToViolence, year: 2023)
        facts.add(31, .otherCybercrime, year: 2023)
        facts.add(150, .sextortion, year: 2022, persons: 160, furthest: .personsProsecuted)
        facts.add(40, .childSexualExploitationMaterial, year: 2022)
        return facts
    }

    @Test("a year of chosen counts gives exactly those counts, persons, shares and year-on-year change")
    func annualCounts() async throws {
        let store = try await store(with: Self.year2023().facts)
        let report = try await store.read { try AnnualReport.compute(year: 2023, threshold: 5, in: $0) }
        let sextortion = try #require(report.byCategory.first { $0.name == "sextortion" })
        #expect(report.totalCases == 518)
        #expect(sextortion.cases == 207 && sextortion.personsProsecuted == 232)
        #expect(sextortion.sharePercent == 40.0)  // 207 / 518 = 39.96 %, rounded to one decimal
        #expect(sextortion.changePercent == 38.0)  // (207 - 150) / 150
        let csam = try #require(report.byCategory.first { $0.name == "child_sexual_exploitation_material" })
        #expect(csam.cases == 30 && csam.personsProsecuted == 34 && csam.sharePercent == 5.8 && csam.changePercent == -25.0)
        #expect(report.byCategory.first { $0.name == "minors_rights_violation" }?.cases == 0)
        #expect(report.rounding.contains("one decimal"))
        let csv = ReportRendering.csv(report)
        #expect(csv.contains("category,sextortion,207,232,40.0,38.0"))
    }

    @Test("the funnel counts reconcile: no stage larger than the one before it")
    func funnelReconciles() async throws {
        var facts = YearOfFacts()
        facts.add(40, .sextortion, year: 2023, furthest: .routed)
        facts.add(30, .sextortion, year: 2023, furthest: .complainantContacted)
        facts.add(20, .sextortion, year: 2023, persons: 25, furthest: .personsProsecuted)
        facts.add(10, .sextortion, year: 2023, persons: 10, furthest: .judged, convicted: true)
        let store = try await store(with: facts.facts)
        let funnel = try await store.read { try Funnel.compute(year: 2023, category: nil, region: nil, threshold: nil, in: $0) }
        let counts = funnel.stages.map { $0.count ?? -1 }
        #expect(counts == [100, 100, 60, 60, 30, 30, 30, 10])
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(funnel.stages.last?.conversionPercent == 33.3)
    }

    @Test("small counts are suppressed in the public output, including where totals minus the rest would reveal them")
    func suppression() async throws {
        var facts = YearOfFacts()
        facts.add(3, .sextortion, year: 2023, region: "04")
        facts.add(40, .fraud, year: 2023, region: "04")
        facts.add(20, .fraud, year: 2023, region: "06")
        facts.add(25, .otherCybercrime, year: 2023, region: "06")
        let store = try await store(with: facts.facts)
        let report = try await store.read { try AnnualReport.compute(year: 2023, threshold: 5, in: $0) }
        #expect(report.byCategory.first { $0.name == "sextortion" }?.cases == nil)
        #expect(report.byCategory.first { $0.name == "sextortion" }?.sharePercent == nil)
        // Only one small line: the next smallest is hidden too, so total − others does not give the small one.
        let hidden = report.byCategory.filter { $0.cases == nil }
        #expect(hidden.count >= 2 || report.totalCases == nil)
        let shownSum = report.byCategory.compactMap(\.cases).reduce(0, +)
        if let total = report.totalCases { #expect(total - shownSum >= 5, "the hidden lines together are at least the threshold") }
        // The internal report shows everything.
        let unsuppressed = try await store.read { try AnnualReport.compute(year: 2023, threshold: nil, in: $0) }
        #expect(unsuppressed.byCategory.first { $0.name == "sextortion" }?.cases == 3)
        // The HTML page says so, and draws charts inline.
        let funnel = try await store.read { try Funnel.compute(year: 2023, category: nil, region: nil, threshold: 5, in: $0) }
        let page = ReportRendering.html(report, funnel: funnel)
        #expect(page.contains("<svg") && page.contains("&lt;5") && !page.contains("<script"))
        // Every language names every stage and category, and a suppressed line says so in the page's words.
        for text in StatisticsPageText.all {
            let localized = ReportRendering.html(report, funnel: funnel, text: text)
            #expect(localized.contains("<html lang=\"\(text.code)\" dir=\"\(text.rightToLeft ? "rtl" : "ltr")\">"))
            #expect(Set(text.stages.keys) == Set(StatisticsPageText.stageKeys) && Set(text.categories.keys) == Set(StatisticsPageText.categoryKeys))
            #expect(text.columns.count == 5 && StatisticsPageText.regions.keys.allSatisfy { !text.region($0).isEmpty })
            guard text.code != "en" else { continue }  // English names may be the keys themselves ("fraud")
            for stage in funnel.stages { #expect(!localized.contains(">\(stage.stage)<"), "\(text.code): stage \(stage.stage) not translated") }
            for line in report.byCategory { #expect(!localized.contains(">\(line.name)<") && !localized.contains(">\(line.name.replacingOccurrences(of: "_", with: " "))<"), "\(text.code): \(line.name) not translated") }
        }
    }

    @Test("time figures: median and 90th percentile per region and priority")
    func timeFigures() async throws {
        var facts = YearOfFacts()
        facts.add(10, .fraud, year: 2023, furthest: .acknowledged)
        let store = try await store(with: facts.facts)
        let figures = try await store.read { try TimeFigures.compute(year: 2023, threshold: 5, in: $0) }
        let acknowledgement = try #require(figures.figures.first { $0.measure == "to_acknowledgement" })
        #expect(acknowledgement.region == "04" && acknowledgement.priority == "normal" && acknowledgement.cases == 10)
        #expect(acknowledgement.medianHours == 3.0 && acknowledgement.p90Hours == 3.0)
    }

    @Test("rebuilding from a replay of the facts gives the same report; duplicate facts change nothing")
    func rebuildAndDuplicates() async throws {
        let facts = Self.year2023().facts
        let first = try await store(with: facts, test: "rebuild-a")
        let expected = try await first.read { try AnnualReport.compute(year: 2023, threshold: 5, in: $0) }
        try await first.write { transaction in for fact in facts.prefix(300) { try FactTable.apply(fact, in: transaction) } }
        #expect(try await first.read { try AnnualReport.compute(year: 2023, threshold: 5, in: $0) } == expected)
        var shuffled = facts
        shuffled.shuffle()
        let rebuilt = try await store(with: shuffled, test: "rebuild-b")
        #expect(try await rebuilt.read { try AnnualReport.compute(year: 2023, threshold: 5, in: $0) } == expected)
        let funnelA = try await first.read { try Funnel.compute(year: 2023, category: nil, region: nil, threshold: 5, in: $0) }
        let funnelB = try await rebuilt.read { try Funnel.compute(year: 2023, category: nil, region: nil, threshold: 5, in: $0) }
        #expect(funnelA == funnelB)
    }
}
