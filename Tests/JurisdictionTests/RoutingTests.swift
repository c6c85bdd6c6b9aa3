import Foundation
import IblaghSchemas
import Jurisdiction
import Testing

/// The reference data in the repository.
let referenceFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../deploy/reference/morocco-territory.json").standardized.path

@Suite("The reference data and the place matcher")
struct PlaceMatcherTests {
    let table: TerritoryTable
    let matcher: PlaceMatcher

    init() throws {
        table = try TerritoryTable.load(file: referenceFile)
        matcher = PlaceMatcher(table: table)
    }

    @Test("12 regions, 75 prefectures and provinces, each with a unit and a prosecution office")
    func completeness() {
        #expect(table.regions.count == 12)
        #expect(table.provinces.count == 75)
        #expect(table.provinces.allSatisfy { !$0.province.nameAR.isEmpty && !$0.province.policeUnit.id.isEmpty && !$0.province.prosecutionOffice.id.isEmpty })
        // Unverified entries say so, with where the fact must come from.
        #expect(table.provinces.filter { !$0.province.prosecutionOffice.verified }.allSatisfy { $0.province.prosecutionOffice.source.hasPrefix("unverified") })
    }

    @Test("places in French and Arabic spellings reach their province", arguments: [
        ("Kénitra", "kenitra"), ("Kenitra", "kenitra"), ("KENITRA", "kenitra"), ("القنيطرة", "kenitra"), ("قنيطرة", "kenitra"),
        ("Casablanca", "casablanca"), ("الدار البيضاء", "casablanca"), ("Casa", "casablanca"),
        ("Rabat", "rabat"), ("الرباط", "rabat"), ("Salé", "sale"), ("Sale", "sale"), ("سلا", "sale"),
        ("Tanger", "tanger-assilah"), ("Tangier", "tanger-assilah"), ("طنجة", "tanger-assilah"),
        ("Marrakech", "marrakech"), ("Marrakesh", "marrakech"), ("مراكش", "marrakech"),
        ("Agadir", "agadir-ida-outanane"), ("أكادير", "agadir-ida-outanane"), ("أگادير", "agadir-ida-outanane"),
        ("Oujda", "oujda-angad"), ("وجدة", "oujda-angad"),
        ("Laâyoune", "laayoune"), ("Laayoune", "laayoune"), ("العيون", "laayoune"),
        ("Témara", "skhirate-temara"), ("Benguérir", "rehamna"), ("Dakhla", "oued-ed-dahab"),
        ("Préfecture de Fès", "fes"), ("Fez", "fes"), ("إقليم تازة", "taza"),
        ("Kenitraa", "kenitra"), ("Marakech", "marrakech"), ("Hay Riad, Rabat", "rabat"),
    ])
    func placesMatch(_ place: String, _ code: String) {
        guard case .province(let found, _) = matcher.match(place) else {
            Issue.record("\(place): \(matcher.match(place))")
            return
        }
        #expect(found == code, "\(place)")
    }

    @Test("a place fitting two provinces is ambiguous, never a guess; nonsense is unknown")
    func ambiguityAndUnknown() {
        guard case .ambiguous(let codes) = matcher.match("Sidi") else {
            Issue.record("Sidi: \(matcher.match("Sidi"))")
            return
        }
        #expect(codes.count >= 4)
        guard case .ambiguous(let both) = matcher.match("Rabat ou Salé") else {
            Issue.record("two cities: \(matcher.match("Rabat ou Salé"))")
            return
        }
        #expect(both == ["rabat", "sale"])
        #expect(matcher.match("Atlantis") == .unknown)
        #expect(matcher.match("") == .unknown)
        #expect(matcher.match("!!!") == .unknown)
    }
}

@Suite("Routing rules")
struct RoutingRulesTests {
    let rules: RoutingRules

    init() throws {
        rules = RoutingRules(table: try TerritoryTable.load(file: referenceFile))
    }

    @Test("a report from Kénitra goes to the Kénitra unit and prosecution office, and says why")
    func territorial() {
        let decision = rules.decide(residence: "القنيطرة", country: "", category: .sextortion, victimIsMinor: false)
        #expect(decision.territorialUnit.id == "police.wilaya.kenitra")
        #expect(decision.prosecutionOffice?.id == "parquet.tpi.kenitra")
        #expect(decision.priority == .normal)
        #expect(decision.ruleCodes == ["residence-territorial"])
        #expect(decision.regionCode == "04" && decision.provinceCode == "kenitra")
        #expect(decision.explanation.contains("Kénitra") && decision.explanation.contains(decision.dataVersion))
    }

    @Test("terrorism adds the national unit; minors and CSAM are urgent; unknown, ambiguous and abroad go national")
    func specialRules() {
        let terrorism = rules.decide(residence: "Oujda", country: "MA", category: .terrorismPraiseOrIncitement, victimIsMinor: false)
        #expect(terrorism.territorialUnit.id == "police.oujda-angad")
        #expect(terrorism.additionalUnits.map(\.id) == ["police.national.bcij"])
        #expect(terrorism.ruleCodes == ["residence-territorial", "terrorism-national"])
        let minor = rules.decide(residence: "Agadir", country: "", category: .sextortion, victimIsMinor: true)
        #expect(minor.priority == .urgent && minor.ruleCodes.contains("urgent-minor"))
        let csam = rules.decide(residence: "Fès", country: "", category: .childSexualExploitationMaterial, victimIsMinor: false)
        #expect(csam.priority == .urgent && csam.ruleCodes.contains("urgent-csam"))
        for (residence, country, rule) in [("Atlantis", "", "residence-unknown"), ("Sidi", "", "residence-ambiguous"), ("Lyon", "FR", "residence-abroad")] {
            let decision = rules.decide(residence: residence, country: country, category: .fraud, victimIsMinor: false)
            #expect(decision.territorialUnit.id == "police.national.cybercrime", "\(residence)")
            #expect(decision.ruleCodes == [rule])
            #expect(decision.prosecutionOffice == nil)
        }
    }

    @Test("a bad reference data file is refused with its name and the problem")
    func badFile() throws {
        let path = NSTemporaryDirectory() + "bad-reference-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"version": "x", "sources": [], "regions": []}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try TerritoryTable.load(file: path) } throws: { "\($0)".contains(path) && "\($0)".contains("national_units") }
    }
}
