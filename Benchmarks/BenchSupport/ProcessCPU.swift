import Foundation

/// What the kernel counted for a process, for benchmarks that report CPU per message or per report: on this shared,
/// noisy machine CPU time per unit of work moves far less from run to run than a rate does.
public enum ProcessCPU {
    /// User + system CPU seconds of process `pid` so far (/proc/PID/stat, in clock ticks of 10 ms); 0 when gone.
    public static func seconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let fields = stat.split(separator: ")").last?.split(separator: " "), fields.count > 13
        else { return 0 }
        return ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / 100
    }
}

/// What a process caused to be written to storage so far (`write_bytes` of /proc/PID/io: its WAL, its database file,
/// its logs — after the page cache, as the disk sees it); 0 when gone or unreadable.
public enum ProcessIO {
    public static func writtenBytes(_ pid: Int32) -> Double {
        guard let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8),
            let line = io.split(separator: "\n").first(where: { $0.hasPrefix("write_bytes:") })
        else { return 0 }
        return Double(line.split(separator: " ").last ?? "") ?? 0
    }
}
