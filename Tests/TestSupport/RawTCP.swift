import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a loopback port, for the clients no library would be: one that sends half a request
/// and waits, one that trickles a body, one that sends garbage to a ZeroMQ endpoint.
public final class RawTCP: @unchecked Sendable {
    // @unchecked: used by one test task at a time.
    private let descriptor: Int32

    public init(port: Int, host: String = "127.0.0.1") throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ProcessTestError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw ProcessTestError("connect to \(host):\(port) failed: errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Sends all of `bytes`; false when the peer has closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// What arrives until the peer closes the connection or `timeout` passes; `closed` says which.
    public func receive(timeout: Double) -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let wait = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&poller, 1, wait) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (received, true) }
            received += buffer[0..<n]
        }
        return (received, false)
    }

    /// The status code of the HTTP response read until the peer closes or `timeout` passes (nil: no status line).
    public static func status(of bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 ") else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }
}

/// A TCP port nothing listens on right now, from the kernel (in its ephemeral range: for a service a test never
/// restarts on the same port; for one it does, ``TestPorts``).
public func freePort() throws -> Int {
    guard let port = bindLoopback(port: 0) else { throw ProcessTestError("no free port in the kernel's range") }
    return port
}

/// Binds a TCP socket to `port` on the loopback (0: the kernel picks) and closes it; the port it got, nil when taken.
func bindLoopback(port: Int) -> Int? {
    guard let (fd, bound) = loopbackSocket(port: port) else { return nil }
    close(fd)
    return bound
}

/// A loopback TCP port this test listens on until it is released: what a service started on it meets when another
/// process holds its port.
public final class HeldPort: Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        guard let (fd, port) = loopbackSocket(port: 0), listen(fd, 1) == 0 else { throw ProcessTestError("no loopback port to hold") }
        self.fd = fd
        self.port = port
    }

    public var endpoint: String { "tcp://127.0.0.1:\(port)" }

    deinit { close(fd) }
}

/// A TCP socket bound to `port` on the loopback (0: the kernel picks), and the port it got; nil when taken.
private func loopbackSocket(port: Int) -> (Int32, Int)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else {
        close(fd)
        return nil
    }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
