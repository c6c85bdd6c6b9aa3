import Foundation
import IblaghStore

/// The consumer's record of applied message ids (`hop_inbox`), kept for ``ConsumerConfiguration/inboxRetention``
/// so that a message delivered again within it has no second effect.
enum Inbox {
    /// Deletes the ids received before `cutoff`, every upstream's — also of upstreams no longer configured — in
    /// transactions of at most `chunk` rows. Returns how many it deleted.
    ///
    /// Only through the index on (upstream, received_at): a plain `received_at < ?` scans the whole inbox (a week of
    /// ids) inside a write transaction, and every commit of the consumer waits behind it. The upstreams are found by
    /// seeking the index from one name to the next, and each transaction stays short however much has piled up.
    static func prune(receivedBefore cutoff: Date, in store: any Store, chunk: Int = 5_000) async throws -> Int {
        var deleted = 0
        var next = try await upstream(after: nil, in: store)
        while let upstream = next {
            while true {
                // Deferred: a prune lost in a crash is simply done again.
                let count = try await store.write(durability: .deferred) { transaction in
                    try transaction.execute(
                        Statement.pruneChunk, [.text(upstream), .real(cutoff.timeIntervalSince1970), .integer(Int64(chunk))])
                }
                deleted += count
                if count < chunk { break }
            }
            next = try await self.upstream(after: upstream, in: store)
        }
        return deleted
    }

    /// The first upstream name in the inbox after `name` (or the first of all), by one seek in the index.
    private static func upstream(after name: String?, in store: any Store) async throws -> String? {
        try await store.read { transaction in
            let rows = try name.map { try transaction.rows(Statement.nextUpstream, [.text($0)]) }
                ?? transaction.rows(Statement.firstUpstream, [])
            return rows.first?.text("upstream")
        }
    }

    /// The prune's statements (their query plans are tested).
    enum Statement {
        static let firstUpstream = "SELECT upstream FROM hop_inbox ORDER BY upstream LIMIT 1"
        static let nextUpstream = "SELECT upstream FROM hop_inbox WHERE upstream > ? ORDER BY upstream LIMIT 1"
        static let pruneChunk = """
            DELETE FROM hop_inbox WHERE message_id IN (
                SELECT message_id FROM hop_inbox WHERE upstream = ? AND received_at < ? LIMIT ?)
            """
    }
}
