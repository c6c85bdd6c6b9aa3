import Foundation
import Logging
import Metrics

/// The free space of the file system a SQLite store lives on, checked every few seconds from its checkpointer's
/// thread: `iblagh_store_free_bytes{store}`, and a warning while little is left, so an operator hears of it before
/// the disk is full and intake turns citizens away ("try again later", 503) and every hop stops acknowledging;
/// `iblagh_store_filesystem_bytes{store}`, the file system's size, for an alert on the share left
/// (deploy/prometheus/alerts.yml).
///
/// Little is less than ``lowBytes`` or less than ``lowFraction`` of the file system, whichever is more. The warning
/// is repeated every ``repeatWarning`` while it lasts; its end is a notice.
struct FreeSpace {
    static let lowBytes: UInt64 = 256 << 20
    static let lowFraction = 0.05
    static let interval: TimeInterval = 5
    static let repeatWarning: TimeInterval = 600

    private let directory: String
    private let file: String
    private let gauge: Gauge
    private let sizeGauge: Gauge
    private var nextCheck = Date.distantPast
    private var lastWarning: Date?

    init(database path: String) {
        directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        file = (path as NSString).lastPathComponent
        gauge = Gauge(label: "iblagh_store_free_bytes", dimensions: [("store", file)])
        sizeGauge = Gauge(label: "iblagh_store_filesystem_bytes", dimensions: [("store", file)])
    }

    /// What is free for the service and the file system's size; nil when the directory cannot be examined.
    static func measure(_ directory: String) -> (free: UInt64, size: UInt64)? {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return nil }
        return (UInt64(stats.f_bavail) * UInt64(stats.f_frsize), UInt64(stats.f_blocks) * UInt64(stats.f_frsize))
    }

    /// Whether `free` of `size` is little.
    static func isLow(free: UInt64, size: UInt64) -> Bool {
        free < max(lowBytes, UInt64(Double(size) * lowFraction))
    }

    /// Measures when due; records the gauge and warns or says it is over.
    mutating func check(now: Date = Date(), logger: Logger) {
        guard now >= nextCheck, let (free, size) = Self.measure(directory) else { return }
        nextCheck = now.addingTimeInterval(Self.interval)
        gauge.record(Int64(clamping: free))
        sizeGauge.record(Int64(clamping: size))
        let metadata: Logger.Metadata = ["store": "\(file)", "free_bytes": "\(free)", "size_bytes": "\(size)"]
        if Self.isLow(free: free, size: size) {
            guard lastWarning.map({ now.timeIntervalSince($0) >= Self.repeatWarning }) ?? true else { return }
            lastWarning = now
            logger.warning("little free space left for the store: at full, new work is refused until space returns", metadata: metadata)
        } else if lastWarning != nil {
            lastWarning = nil
            logger.notice("free space for the store is back above the warning level", metadata: metadata)
        }
    }
}
