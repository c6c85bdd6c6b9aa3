import ArgumentParser
import Foundation
import IblaghSchemas
import IblaghStore
import Statistics

/// `iblagh stats annual|funnel|times`: the statistics service's reports from its database, for an operator.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "The annual report, the funnel and the time figures.", subcommands: [Annual.self, FunnelReport.self, Times.self])

    struct Source: ParsableArguments {
        @Option(help: "The statistics service's database: its SQLite file or postgresql:// URL.") var db: String
        @Option(help: "The year (in UTC, as the counts are).") var year = UTCYear(containing: Date()).number
        @Option(help: "Counts below this are suppressed.") var threshold = 5
        @Flag(name: .customLong("internal"), help: "No suppression (internal use only).") var unsuppressed = false

        func store() async throws -> any Store {
            try await StoreLocation(db).openExisting(holding: "stats_case", of: "a statistics service")
        }

        var limit: Int? { unsuppressed ? nil : threshold }
    }

    struct Annual: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cases and persons prosecuted per category, region and office, with shares and change.")
        @OptionGroup var source: Source
        @Option(help: "json, csv or html.") var format = "json"

        func validate() throws {
            guard ["json", "csv", "html"].contains(format) else { throw ValidationError("--format: json, csv or html") }
        }

        func run() async throws {
            let year = source.year, limit = source.limit, store = try await source.store()
            let report = try await store.read { try AnnualReport.compute(year: year, threshold: limit, in: $0) }
            switch format {
            case "json": print(String(decoding: try ReportRendering.json(report), as: UTF8.self))
            case "csv": print(ReportRendering.csv(report), terminator: "")
            case "html":
                let funnel = try await store.read { try Funnel.compute(year: year, category: nil, region: nil, threshold: limit, in: $0) }
                print(ReportRendering.html(report, funnel: funnel), terminator: "")
            default: preconditionFailure("validate() checked the format")
            }
        }
    }

    struct FunnelReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "funnel", abstract: "Reports → routed → … → convicted, with conversions.")
        @OptionGroup var source: Source
        @Option(help: "Only this category.") var category: String?
        @Option(help: "Only this region code.") var region: String?

        func run() async throws {
            let year = source.year, limit = source.limit, category = self.category, region = self.region
            let funnel = try await source.store().read { try Funnel.compute(year: year, category: category, region: region, threshold: limit, in: $0) }
            print(String(decoding: try ReportRendering.json(funnel), as: UTF8.self))
        }
    }

    struct Times: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Median and 90th percentile times per region and priority.")
        @OptionGroup var source: Source

        func run() async throws {
            let year = source.year, limit = source.limit
            let figures = try await source.store().read { try TimeFigures.compute(year: year, threshold: limit, in: $0) }
            print(String(decoding: try ReportRendering.json(figures), as: UTF8.self))
        }
    }
}
