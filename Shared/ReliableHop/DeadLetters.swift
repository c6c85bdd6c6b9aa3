import Foundation
import IblaghStore

/// The messages a consumer group refused for good, for an operator to inspect and replay (`iblagh deadletter`).
public enum DeadLetters {
    /// One dead letter, without its payload (which may hold personal data).
    public struct Entry: Sendable {
        public let id: Int64
        public let messageID: String
        public let group: String
        public let type: Int64
        public let reason: String
        public let deadAt: Date
    }

    public static func list(in transaction: any StoreTransaction, group: String? = nil) throws -> [Entry] {
        // Two statements rather than `? IS NULL OR …`: PostgreSQL cannot tell the type of a parameter compared only
        // with NULL.
        let columns = "SELECT id, message_id, consumer_group, type, reason, dead_at FROM hop_dead_letter"
        let rows = try group.map { try transaction.rows("\(columns) WHERE consumer_group = ? ORDER BY id", [.text($0)]) }
            ?? transaction.rows("\(columns) ORDER BY id", [])
        return rows.map {
            Entry(id: $0.integer("id") ?? 0, messageID: $0.text("message_id") ?? "", group: $0.text("consumer_group") ?? "",
                  type: $0.integer("type") ?? 0, reason: $0.text("reason") ?? "", deadAt: Date(timeIntervalSince1970: $0.real("dead_at") ?? 0))
        }
    }

    /// Puts dead letter `id` back in its group's queue, as the newest message of the outbox (so a running dispatcher
    /// picks it up), keeping its message id. Groups that had not yet passed the message keep it too. Returns false
    /// when there is no such dead letter.
    @discardableResult
    public static func replay(_ id: Int64, in transaction: any StoreTransaction) throws -> Bool {
        guard let dead = try transaction.rows(
            "SELECT message_id, consumer_group, type, envelope FROM hop_dead_letter WHERE id = ?", [.integer(id)]).first,
            let messageID = dead.text("message_id"), let group = dead.text("consumer_group"), let envelope = dead.blob("envelope")
        else { return false }
        var groups = [group]
        if let old = try transaction.rows("SELECT seq, groups FROM hop_outbox WHERE message_id = ?", [.text(messageID)]).first,
            let seq = old.integer("seq")
        {
            for other in (old.text("groups") ?? "").split(separator: ",").map(String.init) where other != group {
                let cursor = try transaction.rows("SELECT acked_through FROM hop_cursor WHERE consumer_group = ?", [.text(other)])
                    .first?.integer("acked_through") ?? 0
                if cursor < seq { groups.append(other) }
            }
            try transaction.execute("DELETE FROM hop_outbox WHERE seq = ?", [.integer(seq)])
        }
        try transaction.lock("hop_outbox")  // commit in seq order (see Outbox.enqueue)
        try transaction.execute(
            "INSERT INTO hop_outbox (message_id, type, envelope, groups, created_at) VALUES (?, ?, ?, ?, ?)",
            [.text(messageID), dead["type"], .blob(envelope), .text(Outbox.groupList(groups)), .real(Date().timeIntervalSince1970)])
        try transaction.execute("DELETE FROM hop_dead_letter WHERE id = ?", [.integer(id)])
        return true
    }
}
