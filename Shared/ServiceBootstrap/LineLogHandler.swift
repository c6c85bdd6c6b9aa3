import Foundation
import JSONFiles
import Logging

/// A service's log lines on standard error, one `write` each, as text (the default)
/// `2026-11-30T13:49:11.042Z info iblagh.intake: channel=bus tracking_id=IBL-… [Intake] report accepted`
/// or, for a log collector (`log.format = json`), as one JSON object a line:
/// `{"time":"2026-11-30T13:49:11.042Z","level":"info","logger":"iblagh.intake","source":"Intake","message":"report
/// accepted","metadata":{"channel":"bus","tracking_id":"IBL-…"}}`.
///
/// swift-log's `StreamLogHandler` writes the same line with the time in seconds and the local zone, from `localtime`,
/// whose one buffer every thread shares, and which looks at `/etc/localtime` again on every call: intake logs each
/// report it accepts, so each one cost a `newfstatat` beside its `write`. Here the time is UTC, to the millisecond,
/// from `gmtime_r`; lines from several processes (the local stack's) sort together.
public struct LineLogHandler: LogHandler {
    /// How a line is written.
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let descriptor: Int32
    private let format: Format

    public init(
        label: String, descriptor: Int32 = STDERR_FILENO, format: Format = .text,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.descriptor = descriptor
        self.format = format
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
        var line = format == .json
            ? Self.json(time: Date(), level: event.level, label: label, source: event.source, message: "\(event.message)", metadata: all)
            : Array(Self.text(time: Date(), level: event.level, label: label, source: event.source, message: "\(event.message)", metadata: all).utf8)
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBufferPointer { bytes in
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

    /// A text line (without its newline): time, level, label, the metadata sorted by key, the source, the message.
    static func text(time: Date, level: Logger.Level, label: String, source: String, message: String, metadata: Logger.Metadata) -> String {
        var line = "\(timestamp(time)) \(level) \(label):"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        return line + " [\(source)] \(message)"
    }

    /// A JSON line (without its newline): the same fields, named, with the metadata as an object (its keys sorted;
    /// nested lists and dictionaries as JSON arrays and objects).
    static func json(time: Date, level: Logger.Level, label: String, source: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var line = Array("{\"time\":\"\(timestamp(time))\",\"level\":\"\(level)\",\"logger\":".utf8)
        JSONString.append(label, to: &line)
        line += #","source":"#.utf8
        JSONString.append(source, to: &line)
        line += #","message":"#.utf8
        JSONString.append(message, to: &line)
        if !metadata.isEmpty {
            line += #","metadata":"#.utf8
            append(.dictionary(metadata), to: &line)
        }
        line.append(UInt8(ascii: "}"))
        return line
    }

    private static func append(_ value: Logger.MetadataValue, to line: inout [UInt8]) {
        switch value {
        case .string(let text): JSONString.append(text, to: &line)
        case .stringConvertible(let convertible): JSONString.append(convertible.description, to: &line)
        case .array(let values):
            line.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                append(value, to: &line)
            }
            line.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            line.append(UInt8(ascii: "{"))
            for (index, (key, value)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                JSONString.append(key, to: &line)
                line.append(UInt8(ascii: ":"))
                append(value, to: &line)
            }
            line.append(UInt8(ascii: "}"))
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
