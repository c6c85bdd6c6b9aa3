import IblaghSchemas

/// The routing rules, in order:
/// 1. residence abroad → the national cybercrime unit (`residence-abroad`);
/// 2. residence matched to one prefecture or province → its unit and prosecution office (`residence-territorial`);
///    ambiguous or unknown → the national cybercrime unit (`residence-ambiguous`, `residence-unknown`), never dropped;
/// 3. praise of or incitement to terrorism → the national terrorism unit as well (`terrorism-national`);
/// 4. a minor victim or child sexual exploitation material → urgent (`urgent-minor`, `urgent-csam`).
public struct RoutingRules: Sendable {
    public let table: TerritoryTable
    public let matcher: PlaceMatcher

    public init(table: TerritoryTable) {
        self.table = table
        self.matcher = PlaceMatcher(table: table)
    }

    public func decide(residence: String, country: String, category: Iblagh_V1_ReportCategory, victimIsMinor: Bool) -> RoutingDecision {
        let national = table.nationalUnits.cybercrime
        var decision = RoutingDecision(
            territorialUnit: national, additionalUnits: [], prosecutionOffice: nil, priority: .normal, regionCode: "",
            provinceCode: "", ruleCodes: [], explanation: "", dataVersion: table.version)
        var sentences: [String] = []
        if !country.isEmpty, country.uppercased() != "MA" {
            decision.ruleCodes.append("residence-abroad")
            sentences.append("The reporter lives abroad (\(country.uppercased())): the national cybercrime unit takes the case.")
        } else {
            switch matcher.match(residence) {
            case .province(let code, let how):
                if let (region, province) = table.province(code: code) {
                    decision.territorialUnit = province.policeUnit
                    decision.prosecutionOffice = province.prosecutionOffice
                    decision.regionCode = region.code
                    decision.provinceCode = province.code
                    decision.ruleCodes.append("residence-territorial")
                    sentences.append("The residence matched \(province.nameFR) (\(province.nameAR)), region \(region.nameFR), by \(Self.describe(how)): \(province.policeUnit.name) and \(province.prosecutionOffice.name) are competent\(province.policeUnit.verified && province.prosecutionOffice.verified ? "" : " (reference entry not yet verified)").")
                }
            case .ambiguous(let codes):
                decision.ruleCodes.append("residence-ambiguous")
                let names = codes.compactMap { table.province(code: $0)?.province.nameFR }.joined(separator: ", ")
                sentences.append("The residence fits several provinces (\(names)); rather than guess, the national cybercrime unit takes the case and can re-route it.")
            case .unknown:
                decision.ruleCodes.append("residence-unknown")
                sentences.append("The residence matched no prefecture or province; the national cybercrime unit takes the case and can re-route it.")
            }
        }
        if category == .terrorismPraiseOrIncitement {
            decision.additionalUnits.append(table.nationalUnits.terrorism)
            decision.ruleCodes.append("terrorism-national")
            sentences.append("Praise of or incitement to terrorism: \(table.nationalUnits.terrorism.name) is notified as well.")
        }
        if victimIsMinor {
            decision.priority = .urgent
            decision.ruleCodes.append("urgent-minor")
            sentences.append("The victim is a minor: urgent.")
        }
        if category == .childSexualExploitationMaterial {
            decision.priority = .urgent
            decision.ruleCodes.append("urgent-csam")
            sentences.append("Child sexual exploitation material: urgent.")
        }
        sentences.append("Reference data \(table.version).")
        decision.explanation = sentences.joined(separator: " ")
        return decision
    }

    static func describe(_ how: PlaceMatcher.How) -> String {
        switch how {
        case .name: "its name"
        case .alias: "a city or spelling listed for it"
        case .spelling: "a near spelling"
        case .contained: "a name within the text"
        case .prefix: "the beginning of its name"
        }
    }
}
