import ArgumentParser
import Foundation
import IblaghSchemas
import IblaghStore
import Jurisdiction
import RoutingLedger

/// `iblagh route "<place>"`: what the router would decide, and why, with a given reference data file.
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Show which unit and prosecution office a report would go to, and why.")

    @Argument(help: "The place of residence as a reporter would write it (Arabic or Latin script).") var place: String
    @Option(help: "The report's category (sextortion, fraud, terrorism_praise_or_incitement, ...).") var category = "other_cybercrime"
    @Option(help: "ISO country of residence (default MA).") var country = ""
    @Flag(help: "The victim is a minor.") var minor = false
    @Option(help: "The reference data file.") var reference = "deploy/reference/morocco-territory.json"

    /// The category `--category` names.
    func reportCategory() throws -> Iblagh_V1_ReportCategory {
        guard let named = Iblagh_V1_ReportCategory(shortName: category) else {
            throw ValidationError("--category: one of \(Iblagh_V1_ReportCategory.shortNames.keys.sorted().joined(separator: ", "))")
        }
        return named
    }

    func validate() throws {
        _ = try reportCategory()
    }

    func run() throws {
        let rules = RoutingRules(table: try TerritoryTable.load(file: reference))
        let category = try reportCategory()
        let decision = rules.decide(residence: place, country: country, category: category, victimIsMinor: minor)
        print("unit:         \(decision.territorialUnit.name) [\(decision.territorialUnit.id)]\(decision.territorialUnit.verified ? "" : " (unverified entry)")")
        for unit in decision.additionalUnits { print("also:         \(unit.name) [\(unit.id)]") }
        print("prosecution:  \(decision.prosecutionOffice.map { "\($0.name) [\($0.id)]\($0.verified ? "" : " (unverified entry)")" } ?? "referred by the national unit")")
        print("priority:     \(decision.priority == .urgent ? "urgent" : "normal")")
        print("rules:        \(decision.ruleCodes.joined(separator: ", "))")
        print("data:         \(decision.dataVersion)")
        print("why:          \(decision.explanation)")
    }
}

/// `iblagh reroute`: an operator corrects a case's routing. The router's database keeps every decision; the
/// correction is published as a new `CaseRouted` (the running router's dispatcher sends it within a second).
struct RerouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reroute", abstract: "Route a case to another prefecture or province, keeping the history.")

    @Option(help: "The router instance's database (the one that routed the case): its SQLite file or postgresql:// URL.") var db: String
    @Option(help: "The case's tracking id.") var tracking: String
    @Option(help: "The province code to route to (see the reference data), e.g. kenitra.") var province: String
    @Option(help: "Why (recorded with the decision).") var reason: String
    @Option(help: "Who decides (recorded).") var operatorName = NSUserName()
    @Option(help: "The reference data file.") var reference = "deploy/reference/morocco-territory.json"

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason: say why") }
    }

    func run() async throws {
        let table = try TerritoryTable.load(file: reference)
        guard let (region, target) = table.province(code: province) else {
            throw ValidationError("--province: no province \"\(province)\" in \(table.version)")
        }
        let store = try await StoreLocation(db).openExisting(holding: "router_decision", of: "a jurisdiction router")
        let tracking = self.tracking, reason = self.reason, who = operatorName
        let version = try await store.write { transaction -> Int in
            guard let last = try transaction.rows(
                "SELECT category, victim_is_minor, priority, rule_codes FROM router_decision WHERE tracking_id = ? ORDER BY version DESC LIMIT 1",
                [.text(tracking)]).first
            else { throw CommandFailure("this router has not routed \(tracking)") }
            let category = Iblagh_V1_ReportCategory(rawValue: Int(last.integer("category") ?? 0)) ?? .unspecified
            let minor = last.integer("victim_is_minor") == 1
            // The same rules, with the operator's province in place of the reporter's text.
            var decision = RoutingRules(table: table).decide(residence: target.nameFR, country: "MA", category: category, victimIsMinor: minor)
            decision.ruleCodes = ["operator-reroute"] + decision.ruleCodes.filter { $0 != "residence-territorial" }
            decision.explanation = "Re-routed by \(who) to \(target.nameFR) (region \(region.nameFR)): \(reason). " + decision.explanation
            return try RoutingLedger.record(
                decision, trackingID: tracking, category: category, victimIsMinor: minor, decidedBy: who, reason: reason,
                producer: "iblagh-reroute", in: transaction)
        }
        print("\(tracking) routed to \(target.nameFR) (decision \(version)); the router publishes it within a second")
    }
}

