import Foundation
import IblaghSchemas
import IblaghStore

/// What statistics keeps: per case (by the tracker's keyed hash, never a tracking id) its category, priority, region,
/// office, and the date each stage was reached — enough to count, reconcile the funnel and measure times, nothing
/// that names anyone. Applying the same fact twice changes nothing, so a replay rebuilds the same figures.
public enum FactTable {
    public static let migrations: [Migration] = [
        Migration("statistics-1", [
            """
            CREATE TABLE stats_case (
                case_key TEXT PRIMARY KEY,
                category INTEGER NOT NULL,
                priority INTEGER NOT NULL,
                region TEXT NOT NULL,
                office TEXT NOT NULL,
                reported_at REAL NOT NULL,
                persons_prosecuted INTEGER NOT NULL DEFAULT 0,
                persons_convicted INTEGER NOT NULL DEFAULT 0,
                persons_acquitted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID
            """,
            "CREATE TABLE stats_stage (case_key TEXT NOT NULL, stage INTEGER NOT NULL, reached_at REAL NOT NULL, PRIMARY KEY (case_key, stage)) WITHOUT ROWID",
        ])
    ]

    /// Applies one fact (idempotent: a stage is reached once, the first date stands; descriptive fields take the
    /// latest non-empty value).
    public static func apply(_ fact: Iblagh_V1_CaseFact, in transaction: any StoreTransaction) throws {
        guard !fact.caseKey.isEmpty else { throw StatisticsError("a fact without a case key") }
        try transaction.execute(
            """
            INSERT INTO stats_case (case_key, category, priority, region, office, reported_at, persons_prosecuted, persons_convicted, persons_acquitted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (case_key) DO UPDATE SET
                category = CASE WHEN excluded.category != 0 THEN excluded.category ELSE stats_case.category END,
                priority = CASE WHEN excluded.priority != 0 THEN excluded.priority ELSE stats_case.priority END,
                region = CASE WHEN excluded.region != '' THEN excluded.region ELSE stats_case.region END,
                office = CASE WHEN excluded.office != '' THEN excluded.office ELSE stats_case.office END,
                reported_at = CASE WHEN excluded.reported_at > 0 THEN excluded.reported_at ELSE stats_case.reported_at END,
                persons_prosecuted = CASE WHEN excluded.persons_prosecuted > stats_case.persons_prosecuted
                    THEN excluded.persons_prosecuted ELSE stats_case.persons_prosecuted END,
                persons_convicted = CASE WHEN excluded.persons_convicted > stats_case.persons_convicted
                    THEN excluded.persons_convicted ELSE stats_case.persons_convicted END,
                persons_acquitted = CASE WHEN excluded.persons_acquitted > stats_case.persons_acquitted
                    THEN excluded.persons_acquitted ELSE stats_case.persons_acquitted END
            """,
            [.text(fact.caseKey), .integer(Int64(fact.category.rawValue)), .integer(Int64(fact.priority.rawValue)), .text(fact.regionCode),
             .text(fact.prosecutionOfficeID), .real(fact.hasReportedAt ? fact.reportedAt.date.timeIntervalSince1970 : 0),
             .integer(Int64(fact.personsProsecuted)), .integer(Int64(fact.personsConvicted)), .integer(Int64(fact.personsAcquitted))])
        try transaction.execute(
            "INSERT INTO stats_stage (case_key, stage, reached_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(fact.caseKey), .integer(Int64(fact.stage.rawValue)), .real(fact.stageReachedAt.date.timeIntervalSince1970)])
    }

    /// Every case reported in `year` (UTC), with its stage dates.
    static func cases(reportedIn year: Int, in transaction: any StoreTransaction) throws -> [CaseRecord] {
        let (start, end) = bounds(year)
        let rows = try transaction.rows(
            "SELECT * FROM stats_case WHERE reported_at >= ? AND reported_at < ?", [.real(start), .real(end)])
        let stages = try transaction.rows(
            """
            SELECT s.case_key, s.stage, s.reached_at FROM stats_stage s JOIN stats_case c ON c.case_key = s.case_key
            WHERE c.reported_at >= ? AND c.reported_at < ?
            """, [.real(start), .real(end)])
        var byCase: [String: [Int: Double]] = [:]
        for row in stages { byCase[row.text("case_key") ?? "", default: [:]][Int(row.integer("stage") ?? 0)] = row.real("reached_at") ?? 0 }
        return rows.map { row in
            let key = row.text("case_key") ?? ""
            return CaseRecord(
                category: Iblagh_V1_ReportCategory(rawValue: Int(row.integer("category") ?? 0)) ?? .unspecified,
                priority: Iblagh_V1_Priority(rawValue: Int(row.integer("priority") ?? 0)) ?? .unspecified,
                region: row.text("region") ?? "", office: row.text("office") ?? "", reportedAt: row.real("reported_at") ?? 0,
                prosecuted: Int(row.integer("persons_prosecuted") ?? 0), convicted: Int(row.integer("persons_convicted") ?? 0),
                stages: byCase[key] ?? [:])
        }
    }

    static func bounds(_ year: Int) -> (Double, Double) {
        let year = UTCYear(year)
        return (year.start.timeIntervalSince1970, year.end.timeIntervalSince1970)
    }
}

/// One case as statistics knows it.
struct CaseRecord {
    let category: Iblagh_V1_ReportCategory
    let priority: Iblagh_V1_Priority
    let region: String
    let office: String
    let reportedAt: Double
    let prosecuted: Int
    let convicted: Int
    /// Stage (raw value) → when it was reached.
    let stages: [Int: Double]

    func reached(_ stage: Iblagh_V1_CaseState) -> Double? { stages[stage.rawValue] }
}

/// A statistics failure, naming what is wrong.
public struct StatisticsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
