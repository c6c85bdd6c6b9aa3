import Foundation
import Logging
import Metrics
import Prometheus

/// A service process's logging and metrics, set up once at start: logs as lines on standard error at the
/// configured level (``LineLogHandler``), metrics in a Prometheus registry that `/metrics` serves.
public enum Observability {
    /// The registry behind `/metrics` (the process-wide default one, which the factory below reports into).
    public static var registry: PrometheusCollectorRegistry { PrometheusMetricsFactory.defaultRegistry }

    /// Bootstraps swift-log and swift-metrics; call once, first thing in `main`. `level` is a swift-log level name.
    public static func bootstrap(level: String) throws {
        guard let logLevel = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError(key: "log.level", "\"\(level)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label)
            handler.logLevel = logLevel
            return handler
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// The Prometheus text exposition of every metric.
    public static func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
