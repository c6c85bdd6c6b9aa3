import Foundation
import IblaghSchemas
import IblaghStore
import ReliableHop
import Testing
import TestSupport

@Suite("Dead letters: inspect and replay")
struct DeadLetterTests {
    @Test("a replayed dead letter is pending again, as the newest row, with its message id, for every group that still wanted it",
          arguments: StoreKind.allCases)
    func replay(kind: StoreKind) async throws {
        let location = try await kind.freshLocation()
        let path = location.setting
        let store = try location.open(migrations: HopSchema.migrations)
        let envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ReportAccepted(), messageID: "m-1", producer: "test")
        try await store.write { transaction in
            try Outbox.enqueue(envelope, for: ["router", "tracker"], in: transaction)
            // The router group refused it, and its cursor moved past it: what the dispatcher does on NACK.
            // The tracker group has not got it yet.
            try transaction.execute(
                "INSERT INTO hop_dead_letter (message_id, consumer_group, type, envelope, reason, dead_at) SELECT message_id, 'router', type, envelope, 'refused', 0 FROM hop_outbox",
                [])
            try transaction.execute("INSERT INTO hop_cursor (consumer_group, acked_through) SELECT 'router', seq FROM hop_outbox", [])
        }
        let oldSeq = try await store.read { try $0.rows("SELECT seq FROM hop_outbox", []).first?.integer("seq") }

        // Through the command line, as an operator would.
        let list = try await run(iblaghPath, ["deadletter", "list", "--db", path])
        #expect(list.output.contains("m-1\trouter\t3\t"))
        #expect(list.output.contains("refused"))
        let replay = try await run(iblaghPath, ["deadletter", "replay", "--db", path, "1"])
        #expect(replay.status == 0, "\(replay.error)")

        let (pending, dead, newSeq) = try await store.read { transaction in
            ([try Outbox.depth(of: "router", in: transaction), try Outbox.depth(of: "tracker", in: transaction)],
             try transaction.rows("SELECT COUNT(*) AS c FROM hop_dead_letter", []).first?.integer("c"),
             try transaction.rows("SELECT seq FROM hop_outbox WHERE message_id = 'm-1'", []).first?.integer("seq"))
        }
        #expect(pending == [1, 1])  // waiting again for the router group, still waiting for the tracker group
        #expect(dead == 0)
        #expect((newSeq ?? 0) > (oldSeq ?? 0))

        let again = try await run(iblaghPath, ["deadletter", "replay", "--db", path, "1"])
        #expect(again.status != 0)
        #expect(again.error.contains("no dead letter with id 1"))
    }
}
