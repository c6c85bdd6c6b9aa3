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

    /// The stored form of a group list: ",a,b,", so `LIKE '%,a,%'` finds a group without matching `ab`.
    static func groupList(_ groups: [String]) -> String {
        "," + groups.joined(separator: ",") + ","
    }
}
