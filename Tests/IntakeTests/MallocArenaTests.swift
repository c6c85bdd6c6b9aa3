import Foundation
import IblaghSchemas
import ServiceBootstrap
import Testing
import TestSupport

@Suite("A service keeps glibc's allocator to a few arenas, so its resident memory stays small under load", .serialized)
struct MallocArenaTests {
    @Test("intake, after a burst of pipelined reports, allocates from at most two arenas (one besides the main one)")
    func intakeUsesTwoArenas() async throws {
        let intake = try await IntakeFixture()
        let socket = try await intake.integrator()
        for reply in try await intake.submitPipelined(64, prefix: "arena", on: socket) {
            #expect(try reply.payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID.hasPrefix("IBL-"))
        }
        // Without the limit glibc gives each allocating thread an arena of its own: 14 in intake under load.
        let heaps = try Self.arenaHeaps(pid: intake.process.process.pid)
        #expect(heaps <= Int(MallocArenas.defaultLimit) - 1, "\(heaps) arena heaps besides the main arena")
    }

    @Test("an operator's MALLOC_ARENA_MAX stands: the service does not override it")
    func environmentStands() {
        #expect(MallocArenas.limit(environment: ["MALLOC_ARENA_MAX": "8"]) == nil)
        #expect(MallocArenas.limit(environment: [:]) == MallocArenas.defaultLimit)
    }

    /// glibc's arenas other than the main one, from `/proc/PID/maps`: each lives in heaps of 64 MiB of address space,
    /// aligned to 64 MiB, anonymous — the part in use readable and writable, the rest reserved without access.
    static func arenaHeaps(pid: pid_t) throws -> Int {
        let heapSize: UInt64 = 64 << 20
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8).split(separator: "\n").compactMap { line -> (start: UInt64, end: UInt64, access: Substring, anonymous: Bool)? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let range = fields.first?.split(separator: "-") ?? []
            guard fields.count >= 5, range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16) else { return nil }
            return (start, end, fields[1], fields.count == 5)
        }
        var heaps = 0
        for (index, map) in maps.enumerated() where map.start % heapSize == 0 && map.access.hasPrefix("rw") && map.anonymous {
            var end = map.end
            for next in maps[(index + 1)...] {
                guard next.start == end, next.access.hasPrefix("---"), next.anonymous else { break }
                end = next.end
            }
            if end - map.start == heapSize { heaps += 1 }
        }
        return heaps
    }
}
