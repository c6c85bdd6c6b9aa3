/// The values of metric `name`'s series whose labels include `label`, read from Prometheus text (a `/metrics` answer).
public func metricValues(_ name: String, _ label: String, in exposition: String) -> [Double] {
    exposition.split(separator: "\n")
        .filter { $0.hasPrefix("\(name){") && $0.contains(label) }
        .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
}
