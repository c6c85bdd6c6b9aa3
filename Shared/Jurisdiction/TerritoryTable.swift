import Foundation
import JSONFiles

/// The routing reference data (`deploy/reference/morocco-territory.json`): regions, their prefectures and
/// provinces with names and spellings, and for each the competent judicial police unit and prosecution office.
public struct TerritoryTable: Sendable, Decodable {
    /// A unit or office the data names; `verified` false marks a placeholder still to be confirmed.
    public struct Unit: Sendable, Decodable, Equatable {
        public let id: String
        public let name: String
        public let verified: Bool
        public let source: String
    }

    public struct Province: Sendable, Decodable {
        public let code: String
        public let nameFR: String
        public let nameAR: String
        public let aliases: [String]
        public let policeUnit: Unit
        public let prosecutionOffice: Unit

        enum CodingKeys: String, CodingKey {
            case code, nameFR = "name_fr", nameAR = "name_ar", aliases, policeUnit = "police_unit", prosecutionOffice = "prosecution_office"
        }
    }

    public struct Region: Sendable, Decodable {
        public let code: String
        public let nameFR: String
        public let nameAR: String
        public let provinces: [Province]

        enum CodingKeys: String, CodingKey { case code, nameFR = "name_fr", nameAR = "name_ar", provinces }
    }

    public struct NationalUnits: Sendable, Decodable {
        public let cybercrime: Unit
        public let terrorism: Unit
    }

    public let version: String
    public let sources: [String]
    public let nationalUnits: NationalUnits
    public let regions: [Region]

    /// Every province with its region, and the same by code (built once, when the file is read).
    public let provinces: [(region: Region, province: Province)]
    private let byCode: [String: Int]

    enum CodingKeys: String, CodingKey { case version, sources, nationalUnits = "national_units", regions }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        sources = try container.decode([String].self, forKey: .sources)
        nationalUnits = try container.decode(NationalUnits.self, forKey: .nationalUnits)
        regions = try container.decode([Region].self, forKey: .regions)
        provinces = regions.flatMap { region in region.provinces.map { (region, $0) } }
        byCode = Dictionary(provinces.enumerated().map { ($1.province.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func province(code: String) -> (region: Region, province: Province)? {
        byCode[code].map { provinces[$0] }
    }

    /// Reads and checks a data file: valid JSON of this shape, a version, unique province codes, names present.
    /// Errors name the file and the problem.
    public static func load(file: String) throws -> TerritoryTable {
        guard let data = FileManager.default.contents(atPath: file) else {
            let relative = file.hasPrefix("/") ? "" : " (a relative path, from the working directory \(FileManager.default.currentDirectoryPath))"
            throw ReferenceDataError("cannot read the reference data file \(file)\(relative)")
        }
        let table: TerritoryTable
        do {
            table = try JSONDecoder().decode(TerritoryTable.self, from: data)
        } catch {
            throw ReferenceDataError("\(file) is not valid reference data: \(JSONProblem.describe(error, in: data))")
        }
        guard !table.version.isEmpty else { throw ReferenceDataError("\(file): empty version") }
        var seen = Set<String>()
        for (_, province) in table.provinces {
            guard !province.code.isEmpty, !province.nameFR.isEmpty, seen.insert(province.code).inserted else {
                throw ReferenceDataError("\(file): province code \"\(province.code)\" is empty or repeated")
            }
        }
        guard !seen.isEmpty else { throw ReferenceDataError("\(file): no provinces") }
        return table
    }
}

/// Reference data that cannot be used; the message names the file and what is wrong.
public struct ReferenceDataError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
