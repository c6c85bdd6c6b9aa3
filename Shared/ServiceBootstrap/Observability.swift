import Foundation
import Logging
import Metrics
import Prometheus

/// A service process's logging and metrics, set up once at start: logs as lines on standard error at the
/// configured level (``LineLogHandler``), metrics in a Prometheus registry that `/metrics` serves.
public enum Observability {
    /// The registry behind `/metrics` (the process-wide default one, which the factory below reports into).
    public static var registry: PrometheusCollectorRegistry { PrometheusMetricsFactory.defaultRegistry }

    /// Bootstraps swift-log and swift-metrics; call once, first thing in `main`. `level` is a swift-log level name,
    /// `format` how lines are written (``LineLogHandler/Format``: `text` or `json`).
    /// Returns the format.
    @discardableResult
    public static func bootstrap(level: String, format: String = "text") throws -> LineLogHandler.Format {
        guard let logLevel = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError(key: "log.level", "\"\(level)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard let lineFormat = LineLogHandler.Format(rawValue: format.lowercased()) else {
            throw ConfigurationError(key: "log.format", "\"\(format)\" is not one of text, json")
        }
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler(label: label, format: lineFormat)
            handler.logLevel = logLevel
            return handler
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return lineFormat
    }

    /// The Prometheus text exposition of every metric.
    public static func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
