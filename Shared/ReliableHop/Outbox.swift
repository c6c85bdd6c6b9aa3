import Foundation
import IblaghSchemas
import IblaghStore

/// The transactional outbox: a service writes its outgoing messages in the same transaction as its state change,
/// so either both are committed or neither is. The ``Dispatcher`` delivers them afterwards.
public enum Outbox {
    /// Adds `envelope` for each of `groups`, inside `transaction`. Idempotent on the envelope's message id: a message
    /// still in the outbox is not added again (one delivered and pruned can be published again: consumers' inboxes
    /// absorb the repeat). Returns whether it was added.
    @discardableResult
    public static func enqueue(
        _ envelope: Iblagh_V1_Envelope, for groups: [String], in transaction: any StoreTransaction
    ) throws -> Bool {
        precondition(!groups.isEmpty, "a message must be published for at least one consumer group")
        // Rows must commit in `seq` order, or the dispatcher, reading past its position, would miss one committed
        // late with a smaller seq. SQLite commits one writer at a time; instances sharing PostgreSQL take turns here.
        try transaction.lock("hop_outbox")
        let inserted = try transaction.execute(
            "INSERT INTO hop_outbox (message_id, type, envelope, groups, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
            [.text(envelope.messageID), .integer(Int64(envelope.type.rawValue)), .blob(envelope.frame),
             .text(groupList(groups)), .real(Date().timeIntervalSince1970)])
        return inserted == 1
    }

    /// How many messages wait for `group` (not yet acknowledged as far as the stored cursor knows).
    public static func depth(of group: String, in transaction: any StoreTransaction) throws -> Int {
        let rows = try transaction.rows(
            """
            SELECT COUNT(*) AS n FROM hop_outbox WHERE groups LIKE ?
            AND seq > COALESCE((SELECT acked_through FROM hop_cursor WHERE consumer_group = ?), 0)
            """, [.text("%,\(group),%"), .text(group)])
        return Int(rows.first?.integer("n") ?? 0)
    }

    /// Deletes the rows through `floor` that no group in `served` still needs (a row also for a group no key is
    /// enrolled for waits for that group), `pruneChunk` seqs per transaction: five seconds of a busy producer's
    /// outbox deleted in one transaction wrote hundreds of megabytes to the WAL and fsynced them at once, and every
    /// commit on the same disk — the consumers' too — waited behind that fsync (the hop benchmark stood still for
    /// 1.75 s at the first prune after a burst).
    static func prune(through floor: Int64, served: [String], in store: any Store) async throws {
        let remainder = served.reduce("groups") { sql, _ in "REPLACE(\(sql), ?, ',')" }
        let groupArguments = served.map { StoreValue.text(groupList([$0])) }
        var from = try await store.read {
            try $0.rows("SELECT MIN(seq) AS s FROM hop_outbox", []).first?.integer("s")
        } ?? floor + 1
        while from <= floor {
            let through = min(floor, from + pruneChunk - 1)
            let arguments = [StoreValue.integer(from), .integer(through)] + groupArguments
            // Deferred: a prune lost in a crash is simply done again.
            _ = try await store.write(durability: .deferred) {
                try $0.execute("DELETE FROM hop_outbox WHERE seq >= ? AND seq <= ? AND \(remainder) = ','", arguments)
            }
            from = through + 1
        }
    }

    static let pruneChunk: Int64 = 1_000

    /// The stored form of a group list: ",a,b,", so `LIKE '%,a,%'` finds a group without matching `ab`.
    static func groupList(_ groups: [String]) -> String {
        "," + groups.joined(separator: ",") + ","
    }
}
