import Foundation
import IblaghStore
import Testing
import TestSupport
@testable import ReliableHop

@Suite("The inbox is pruned past its retention, through its index")
struct InboxTests {
    @Test("ids older than the cutoff go, of every upstream (also one no longer configured), in short transactions; newer ones stay",
          arguments: StoreKind.allCases)
    func prunesOldIDsOfEveryUpstream(kind: StoreKind) async throws {
        let store = try await kind.freshLocation().open(migrations: HopSchema.migrations)
        let now = Date().timeIntervalSince1970
        // "intake-1" has 1,200 old ids (more than two chunks of 500), "retired" is an upstream no longer configured.
        let rows: [(String, Int, Double)] = [("intake-1", 1_200, now - 900), ("intake-1", 30, now), ("router-1", 40, now - 900),
                                             ("router-1", 20, now - 10), ("retired", 50, now - 900)]
        try await store.write { transaction in
            for (upstream, count, at) in rows {
                for index in 0..<count {
                    try transaction.execute(
                        "INSERT INTO hop_inbox (message_id, upstream, received_at) VALUES (?, ?, ?)",
                        [.text("\(upstream)-\(Int(at))-\(index)"), .text(upstream), .real(at)])
                }
            }
        }
        let deleted = try await Inbox.prune(receivedBefore: Date(timeIntervalSince1970: now - 60), in: store, chunk: 500)
        #expect(deleted == 1_290)
        let left = try await store.read { transaction in
            try transaction.rows("SELECT upstream, COUNT(*) AS n, MIN(received_at) AS oldest FROM hop_inbox GROUP BY upstream ORDER BY upstream", [])
        }
        #expect(left.map { $0.text("upstream") ?? "" } == ["intake-1", "router-1"])
        #expect(left.map { $0.integer("n") ?? 0 } == [30, 20])
        #expect(left.allSatisfy { ($0.real("oldest") ?? 0) >= now - 60 })
    }

    @Test("on SQLite the prune seeks the (upstream, received_at) index instead of scanning the inbox")
    func pruneSeeksTheIndex() async throws {
        let store = try await StoreKind.sqlite.freshLocation().open(migrations: HopSchema.migrations)
        func plan(_ sql: String, _ arguments: [StoreValue] = []) async throws -> [String] {
            try await store.read { try $0.rows("EXPLAIN QUERY PLAN " + sql, arguments).compactMap { $0.text("detail") } }
        }
        // The first upstream: the index read in order, stopping at its first entry (no sort of the whole inbox).
        let first = try await plan(Inbox.Statement.firstUpstream)
        #expect(first.contains { $0.contains("COVERING INDEX hop_inbox_recent") } && !first.contains { $0.contains("TEMP B-TREE") }, "\(first)")
        // The next upstream, and each chunk of one upstream's old ids: seeks only.
        for (sql, arguments) in [(Inbox.Statement.nextUpstream, [StoreValue.text("a")]),
                                 (Inbox.Statement.pruneChunk, [.text("a"), .real(1), .integer(5)])] {
            let steps = try await plan(sql, arguments).filter { $0.contains("hop_inbox") }
            #expect(!steps.isEmpty && steps.allSatisfy { $0.hasPrefix("SEARCH") }, "\(sql): \(steps)")
        }
        // The statement this replaced scanned the whole index, inside a write transaction.
        #expect(try await plan("DELETE FROM hop_inbox WHERE received_at < 1").contains { $0.hasPrefix("SCAN hop_inbox") })
    }
}
