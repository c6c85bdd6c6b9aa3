import Foundation
import Synchronization

/// Ports for the services a test kills and starts again on the same port (peers reconnect to the same endpoint).
///
/// A port the kernel chose (`tcp://127.0.0.1:*`, HTTP port 0) is in its ephemeral range (32768–60999 on Linux), where
/// it also picks the local port of every outgoing connection and every other test's listener: while the service was
/// down, another test running beside it could take the port, and the restart failed with "Address already in use"
/// (CI, `TrackerTests`: intake's HTTP port). These come from below that range, each handed out once per test run.
public enum TestPorts {
    private static let range = 20_000..<32_768
    private static let next = Mutex(range.lowerBound + Int.random(in: 0..<4_000))

    /// A port no one listens on now, not handed out before in this run.
    public static func free() -> Int {
        next.withLock { next in
            while true {
                let port = next
                next = next + 1 < range.upperBound ? next + 1 : range.lowerBound
                if isFree(port) { return port }
            }
        }
    }

    /// `tcp://127.0.0.1:PORT` on a ``free()`` port.
    public static func endpoint() -> String {
        "tcp://127.0.0.1:\(free())"
    }

    /// Whether a listener could bind `port` on the loopback now.
    private static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
