import Synchronization

/// Ports for the services a test kills and starts again on the same port (peers reconnect to the same endpoint).
///
/// A port the kernel chose (`tcp://127.0.0.1:*`, HTTP port 0) is in its ephemeral range (32768–60999 on Linux), where
/// it also picks the local port of every outgoing connection and every other test's listener: while the service was
/// down, another test running beside it could take the port, and the restart failed with "Address already in use"
/// (CI, `TrackerTests`: intake's HTTP port; earlier a PostgreSQL server's). These come from below that range, each
/// handed out once per test run.
public enum TestPorts {
    private static let range = 20_000..<32_768
    private static let next = Mutex(range.lowerBound + Int.random(in: 0..<4_000))

    /// A port no one listens on now, not handed out before in this run.
    public static func free() -> Int {
        next.withLock { next in
            while true {
                let port = next
                next = next + 1 < range.upperBound ? next + 1 : range.lowerBound
                if bindLoopback(port: port) != nil { return port }
            }
        }
    }

    /// `tcp://127.0.0.1:PORT` on a ``free()`` port.
    public static func endpoint() -> String {
        "tcp://127.0.0.1:\(free())"
    }
}
