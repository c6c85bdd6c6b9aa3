import IblaghSchemas

/// Where a report goes and why: the territorial unit, any national unit added, the prosecution office, the
/// priority, the rules that fired, a sentence for a person, and the reference data version it was made with.
public struct RoutingDecision: Sendable, Equatable {
    public var territorialUnit: TerritoryTable.Unit
    public var additionalUnits: [TerritoryTable.Unit]
    /// Nil when the residence is unknown, ambiguous or abroad: the national unit refers the case.
    public var prosecutionOffice: TerritoryTable.Unit?
    public var priority: Iblagh_V1_Priority
    public var regionCode: String
    public var provinceCode: String
    public var ruleCodes: [String]
    public var explanation: String
    public var dataVersion: String

    /// The decision as the bus carries it.
    public func caseRouted(trackingID: String, category: Iblagh_V1_ReportCategory) -> Iblagh_V1_CaseRouted {
        .with {
            $0.trackingID = trackingID
            $0.category = category
            $0.priority = priority
            $0.territorialUnit = .with { unit in
                unit.id = territorialUnit.id
                unit.name = territorialUnit.name
            }
            $0.additionalUnits = additionalUnits.map { added in .with {
                $0.id = added.id
                $0.name = added.name
            } }
            if let office = prosecutionOffice {
                $0.prosecutionOffice = .with {
                    $0.id = office.id
                    $0.name = office.name
                }
            }
            $0.regionCode = regionCode
            $0.provinceCode = provinceCode
            $0.ruleCodes = ruleCodes
            $0.explanation = explanation
            $0.referenceDataVersion = dataVersion
        }
    }
}
