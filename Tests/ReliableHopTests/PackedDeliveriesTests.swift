import Testing
@testable import ReliableHop

/// The `DELIVERS` body (PROTOCOL.md §4): what a producer packs, a consumer reads back exactly; anything else is refused
/// whole, never half-read.
@Suite("Packed deliveries")
struct PackedDeliveriesTests {
    @Test("several deliveries round-trip in order, with their tags, ids and envelope bytes")
    func roundTrip() throws {
        var body: [UInt8] = []
        let sent: [(UInt64, String, [UInt8])] = [
            (1, "m-1", [1, 2, 3]), (UInt64.max, "case-routed:IBL-2026-X:1", []), (42, "é-ü", [UInt8](repeating: 0xFF, count: 70_000)),
        ]
        for (tag, id, envelope) in sent { PackedDeliveries.append(tag: tag, messageID: id, envelope: envelope, to: &body) }
        let read = try #require(PackedDeliveries.decode(body))
        #expect(read.map(\.tag) == sent.map(\.0))
        #expect(read.map(\.messageID) == sent.map(\.1))
        #expect(read.map(\.envelope) == sent.map(\.2))
    }

    @Test("an empty, truncated or padded body, an empty id or an id that is not UTF-8 is refused whole")
    func malformed() {
        var body: [UInt8] = []
        PackedDeliveries.append(tag: 7, messageID: "m-7", envelope: [9, 9, 9], to: &body)
        #expect(PackedDeliveries.decode([]) == nil)
        for cut in 1..<body.count { #expect(PackedDeliveries.decode(Array(body.prefix(cut))) == nil, "cut at \(cut)") }
        #expect(PackedDeliveries.decode(body + [0]) == nil)
        var emptyID: [UInt8] = []
        PackedDeliveries.append(tag: 1, messageID: "", envelope: [1], to: &emptyID)
        #expect(PackedDeliveries.decode(emptyID) == nil)
        let badUTF8: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0xC3, 0x28, 0, 0, 0, 0]
        #expect(PackedDeliveries.decode(badUTF8) == nil)
    }
}

@Suite("Outbox group lists")
struct GroupListTests {
    @Test("a stored group list names exactly its groups, never one that only contains or continues another's name")
    func names() {
        let list = Outbox.groupList(["notifier:04", "tracker"])
        #expect(OutboxReader.names(list, Array(",notifier:04,".utf8)))
        #expect(OutboxReader.names(list, Array(",tracker,".utf8)))
        #expect(!OutboxReader.names(list, Array(",notifier:0,".utf8)))
        #expect(!OutboxReader.names(list, Array(",track,".utf8)))
        #expect(!OutboxReader.names(",a,", Array(",ab,".utf8)))
        #expect(!OutboxReader.names("", Array(",a,".utf8)))
    }
}
