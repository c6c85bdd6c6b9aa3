import Foundation
import Logging

/// A service's log lines on standard error, one `write` each:
/// `2026-11-30T13:49:11.042Z info iblagh.intake: channel=bus tracking_id=IBL-… [Intake] report accepted`.
///
/// swift-log's `StreamLogHandler` writes the same line with the time in seconds and the local zone, from `localtime`,
/// whose one buffer every thread shares, and which looks at `/etc/localtime` again on every call: intake logs each
/// report it accepts, so each one cost a `newfstatat` beside its `write`. Here the time is UTC, to the millisecond,
/// from `gmtime_r`; lines from several processes (the local stack's) sort together.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let descriptor: Int32

    public init(label: String, descriptor: Int32 = STDERR_FILENO, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.descriptor = descriptor
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let explicit = event.metadata { all.merge(explicit) { $1 } }
        if let error = event.error, all["error"] == nil { all["error"] = "\(error)" }
        var text = Self.timestamp(Date())
        text += " \(event.level) \(label):"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        text += " [\(event.source)] \(event.message)\n"
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return  // standard error closed or full: nowhere left to say so
                }
            }
        }
    }

    /// `2026-11-30T13:49:11.042Z`: how a line writes `date`.
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (whole, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        // Rounded down before 1970 too, so the milliseconds stay in 0..<1000.
        var seconds = time_t(fraction < 0 ? whole - 1 : whole)
        let thousandths = fraction < 0 ? fraction + 1000 : fraction
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):"
            + "\(two(parts.tm_sec)).\(thousandths < 10 ? "00" : thousandths < 100 ? "0" : "")\(thousandths)Z"
    }
}
