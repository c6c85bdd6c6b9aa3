import Foundation
import Testing
@testable import IblaghStore

@Suite("A store's free space: little is under 256 MiB or under 5 % of the file system, whichever is more")
struct FreeSpaceTests {
    static let gib: UInt64 = 1 << 30

    @Test("the levels", arguments: [
        (free: 200 << 20, size: 4 * gib, low: true),  // under 256 MiB
        (free: 300 << 20, size: 4 * gib, low: false),  // over 256 MiB and over 5 % of 4 GiB (205 MiB)
        (free: 40 * gib, size: 1_024 * gib, low: true),  // under 5 % of 1 TiB (51 GiB)
        (free: 60 * gib, size: 1_024 * gib, low: false),
    ] as [(free: UInt64, size: UInt64, low: Bool)])
    func levels(_ free: UInt64, _ size: UInt64, _ low: Bool) {
        #expect(FreeSpace.isLow(free: free, size: size) == low)
    }

    @Test("the store's own file system is measured")
    func measured() throws {
        let measured = try #require(FreeSpace.measure(NSTemporaryDirectory()))
        #expect(measured.size > 0 && measured.free <= measured.size)
        #expect(FreeSpace.measure("/nonexistent-\(UUID().uuidString)") == nil)
    }
}
