import Foundation
import Jurisdiction

/// The matcher's speed: routing decisions per second over a mix of places as reporters write them (exact names,
/// Arabic, cities, misspellings, long addresses, ambiguous and unknown text), beside the cost of only normalising
/// the same strings (the floor any matcher pays), measured in the same run.
///   RoutingBench [REFERENCE_FILE] [DECISIONS]
@main
enum RoutingBench {
    static let places = [
        "Kénitra", "القنيطرة", "Casablanca", "الدار البيضاء", "Rabat", "Salé", "Tanger", "Marrakech", "أكادير", "Oujda",
        "Laâyoune", "Fez", "Marakech", "Kenitraa", "Hay Riad, Rabat", "Quartier Maârif, Casablanca", "Sidi", "Atlantis",
        "Témara", "Benguérir",
    ]

    static func main() throws {
        let arguments = CommandLine.arguments
        let file = arguments.count > 1 ? arguments[1] : "deploy/reference/morocco-territory.json"
        let count = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
        let rules = RoutingRules(table: try TerritoryTable.load(file: file))
        var sink = 0
        let normalising = measure(count) { index in sink &+= PlaceName.normalise(places[index % places.count]).utf8.count }
        let deciding = measure(count) { index in
            sink &+= rules.decide(residence: places[index % places.count], country: "", category: .fraud, victimIsMinor: false).ruleCodes.count
        }
        print(String(format: "normalise only        %10.0f /s", normalising))
        print(String(format: "routing decisions     %10.0f /s   (%.2f of normalise-only)", deciding, deciding / normalising))
        if sink == 42 { print("") }  // keeps the work from being optimised away
    }

    static func measure(_ count: Int, _ body: (Int) -> Void) -> Double {
        let start = ContinuousClock.now
        for index in 0..<count { body(index) }
        let elapsed = ContinuousClock.now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
