import Metrics

/// The figures of one hop, as swift-metrics (exported on `/metrics` by the services).
struct HopMetrics: Sendable {
    let delivered: Counter
    let redelivered: Counter
    let acknowledged: Counter
    let deadLettered: Counter
    let duplicatesIgnored: Counter
    let refusedFrames: Counter
    /// Handshakes an upstream refused this consumer (its key not in the upstream's allow-list).
    let refusedHandshakes: Counter
    let inFlight: Gauge
    let backlog: Gauge
    let commitBatch: Recorder
    let credit: Gauge

    init(side: String, group: String) {
        let dimensions = [("side", side), ("group", group)]
        delivered = Counter(label: "iblagh_hop_delivered_total", dimensions: dimensions)
        redelivered = Counter(label: "iblagh_hop_redelivered_total", dimensions: dimensions)
        acknowledged = Counter(label: "iblagh_hop_acknowledged_total", dimensions: dimensions)
        deadLettered = Counter(label: "iblagh_hop_dead_lettered_total", dimensions: dimensions)
        duplicatesIgnored = Counter(label: "iblagh_hop_duplicates_ignored_total", dimensions: dimensions)
        refusedFrames = Counter(label: "iblagh_hop_refused_frames_total", dimensions: dimensions)
        refusedHandshakes = Counter(label: "iblagh_hop_refused_handshakes_total", dimensions: dimensions)
        inFlight = Gauge(label: "iblagh_hop_in_flight", dimensions: dimensions)
        backlog = Gauge(label: "iblagh_hop_outbox_depth", dimensions: dimensions)
        commitBatch = Recorder(label: "iblagh_hop_commit_batch_size", dimensions: dimensions)
        credit = Gauge(label: "iblagh_hop_credit", dimensions: dimensions)
    }
}
