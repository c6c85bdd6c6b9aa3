/// Report categories by the short names the JSON API, the command line and the statistics use ("sextortion",
/// "fraud", ...), one place for all of them.
extension Iblagh_V1_ReportCategory {
    public static let shortNames: [String: Iblagh_V1_ReportCategory] = [
        "sextortion": .sextortion,
        "child_sexual_exploitation_material": .childSexualExploitationMaterial,
        "incitement_to_violence": .incitementToViolence,
        "terrorism_praise_or_incitement": .terrorismPraiseOrIncitement,
        "minors_rights_violation": .minorsRightsViolation,
        "fraud": .fraud,
        "other_cybercrime": .otherCybercrime,
    ]

    public init?(shortName: String) {
        guard let category = Self.shortNames[shortName] else { return nil }
        self = category
    }

    /// The short name; "unknown" for an unspecified or unrecognised value.
    public var shortName: String {
        Self.shortNames.first { $0.value == self }?.key ?? "unknown"
    }
}
