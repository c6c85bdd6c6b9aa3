import Foundation
import IblaghSchemas
import IblaghStore

/// The transactional outbox: a service writes its outgoing messages in the same transaction as its state change,
/// so either both are committed or neither is. The ``Dispatcher`` delivers them afterwards.
public enum Outbox {
    /// Adds `envelope` for each of `groups`, inside `transaction`. Idempotent on the envelope's message id: a message
    /// already in the outbox (or already delivered and pruned) is not added again. Returns whether it was added.
    @discardableResult
    public static func enqueue(
        _ envelope: Iblagh_V1_Envelope, for groups: [String], in transaction: any StoreTransaction
    ) throws -> Bool {
        precondition(!groups.isEmpty, "a message must be published for at least one consumer group")
        let inserted = try transaction.execute(
            "INSERT INTO hop_outbox (message_id, type, envelope, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
            [.text(envelope.messageID), .integer(Int64(envelope.type.rawValue)), .blob(envelope.frame),
             .real(Date().timeIntervalSince1970)])
        guard inserted == 1 else { return false }
        for group in groups {
            try transaction.execute(
                "INSERT INTO hop_pending (consumer_group, seq) SELECT ?, seq FROM hop_outbox WHERE message_id = ?",
                [.text(group), .text(envelope.messageID)])
        }
        return true
    }

    /// Messages waiting for each group (the backlog), for metrics and operators.
    public static func depth(in transaction: any StoreTransaction) throws -> [String: Int] {
        var depth: [String: Int] = [:]
        for row in try transaction.rows("SELECT consumer_group, COUNT(*) AS n FROM hop_pending GROUP BY consumer_group", []) {
            depth[row.text("consumer_group") ?? ""] = Int(row.integer("n") ?? 0)
        }
        return depth
    }
}
