import Jurisdiction
import Metrics

/// `iblagh_router_decisions_total{rule}`: how many decisions each rule took part in.
struct RouterMetrics: Sendable {
    static let shared = RouterMetrics()
    static let rules = ["residence-territorial", "residence-ambiguous", "residence-unknown", "residence-abroad",
                        "terrorism-national", "urgent-minor", "urgent-csam", "operator-reroute"]
    private let counters: [String: Counter]

    init() {
        counters = Dictionary(uniqueKeysWithValues: Self.rules.map { ($0, Counter(label: "iblagh_router_decisions_total", dimensions: [("rule", $0)])) })
    }

    func decided(_ decision: RoutingDecision) {
        for rule in decision.ruleCodes { counters[rule]?.increment() }
    }
}
