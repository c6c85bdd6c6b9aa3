import Jurisdiction
import Metrics

/// `iblagh_router_decisions_total{rule}`: how many decisions each rule took part in;
/// `iblagh_router_reference_data{version}`: 1 for the reference data version in use (0 for one replaced), so an
/// operator sees at a glance whether every router instance uses the same version.
struct RouterMetrics: Sendable {
    static let shared = RouterMetrics()
    static let rules = ["residence-territorial", "residence-ambiguous", "residence-unknown", "residence-abroad",
                        "terrorism-national", "urgent-minor", "urgent-csam", "operator-reroute"]
    private let counters: [String: Counter]

    init() {
        counters = Dictionary(uniqueKeysWithValues: Self.rules.map { ($0, Counter(label: "iblagh_router_decisions_total", dimensions: [("rule", $0)])) })
    }

    func using(_ version: String, replacing previous: String?) {
        if let previous { Gauge(label: "iblagh_router_reference_data", dimensions: [("version", previous)]).record(0) }
        Gauge(label: "iblagh_router_reference_data", dimensions: [("version", version)]).record(1)
    }

    func decided(_ decision: RoutingDecision) {
        for rule in decision.ruleCodes { counters[rule]?.increment() }
    }
}
