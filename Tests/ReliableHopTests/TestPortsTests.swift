import Foundation
import Testing
import TestSupport

@Suite("Ports for services a test restarts")
struct TestPortsTests {
    @Test("each is handed out once, below the kernel's ephemeral range")
    func portsBelowTheEphemeralRange() throws {
        let ports = (0..<200).map { _ in TestPorts.free() }
        #expect(Set(ports).count == ports.count)
        let ephemeral = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(ports.allSatisfy { $0 >= 20_000 && $0 < (ephemeral.first ?? 32_768) })
        #expect(TestPorts.endpoint().hasPrefix("tcp://127.0.0.1:"))
    }
}
