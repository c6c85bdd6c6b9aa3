import IblaghStore

/// One read of the outbox for every consumer group that has room: the rows past the lowest group's position, once,
/// handed to each group whose list names it. A producer serving many groups (a router: one per region, the national
/// units and the tracker) reads each row once per load, not once per group, and a group is moved past the rows that
/// are not its own so it never scans them again.
enum OutboxReader {
    /// A group's position and room before the read.
    struct Want: Sendable {
        let group: String
        /// Its stored cursor, nil until read from `hop_cursor` (the first load after a start).
        let cursor: Int64?
        let loadedThrough: Int64
        /// How many deliveries it can take now.
        let room: Int
    }

    /// What the read found for one group.
    struct Found: Sendable {
        let group: String
        let deliveries: [Dispatcher.Delivery]
        let cursor: Int64
        /// Every row up to here was looked at: those for the group are in `deliveries`, the rest are not its.
        let scannedThrough: Int64
        /// It ran out of room: rows past `scannedThrough` may still be its.
        let full: Bool
    }

    /// Reads up to `limit` rows after the lowest position among `wants`; `reachedEnd` when that was all there was.
    static func read(_ wants: [Want], limit: Int, in transaction: any StoreTransaction) throws -> (found: [Found], reachedEnd: Bool) {
        var cursors: [String: Int64] = [:], positions: [String: Int64] = [:]
        for want in wants {
            let cursor = try want.cursor ?? transaction.rows(
                "SELECT acked_through FROM hop_cursor WHERE consumer_group = ?", [.text(want.group)]).first?.integer("acked_through") ?? 0
            cursors[want.group] = cursor
            positions[want.group] = max(want.loadedThrough, cursor)
        }
        guard let from = positions.values.min() else { return ([], true) }
        // The newest row of this snapshot: with one writer and increasing seqs, no row committed later can come
        // before it, so a group that read to the end is past everything up to here.
        let horizon = try transaction.rows("SELECT COALESCE(MAX(seq), 0) AS s FROM hop_outbox", []).first?.integer("s") ?? 0
        let rows = try transaction.rows(
            "SELECT seq, message_id, envelope, groups FROM hop_outbox WHERE seq > ? ORDER BY seq LIMIT ?",
            [.integer(from), .integer(Int64(limit))])
        let reachedEnd = rows.count < limit
        var taken: [String: [Dispatcher.Delivery]] = [:], full = Set<String>()
        for row in rows {
            guard let seq = row.integer("seq"), let id = row.text("message_id"), let frame = row.blob("envelope"),
                let list = row.text("groups")
            else { continue }
            for want in wants where !full.contains(want.group) && seq > positions[want.group, default: .max] {
                if list.contains(",\(want.group),") {
                    guard taken[want.group, default: []].count < want.room else {
                        full.insert(want.group)
                        continue
                    }
                    taken[want.group, default: []].append(Dispatcher.Delivery(seq: seq, messageID: id, frame: frame))
                }
                positions[want.group] = seq
            }
        }
        let found = wants.map { want in
            let position = positions[want.group] ?? 0
            let isFull = full.contains(want.group)
            return Found(
                group: want.group, deliveries: taken[want.group] ?? [], cursor: cursors[want.group] ?? 0,
                scannedThrough: reachedEnd && !isFull ? max(position, horizon) : position, full: isFull)
        }
        return (found, reachedEnd)
    }
}
