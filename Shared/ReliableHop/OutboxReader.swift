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
        // Per want, by index: no dictionary keyed by group name in the loop over rows.
        var cursors: [Int64] = [], positions: [Int64] = []
        for want in wants {
            let cursor = try want.cursor ?? transaction.rows(
                "SELECT acked_through FROM hop_cursor WHERE consumer_group = ?", [.text(want.group)]).first?.integer("acked_through") ?? 0
            cursors.append(cursor)
            positions.append(max(want.loadedThrough, cursor))
        }
        guard let from = positions.min() else { return ([], true) }
        // The newest row of this snapshot: with one writer and increasing seqs, no row committed later can come
        // before it, so a group that read to the end is past everything up to here.
        let horizon = try transaction.rows("SELECT COALESCE(MAX(seq), 0) AS s FROM hop_outbox", []).first?.integer("s") ?? 0
        let rows = try transaction.rows(
            "SELECT seq, message_id, envelope, groups FROM hop_outbox WHERE seq > ? ORDER BY seq LIMIT ?",
            [.integer(from), .integer(Int64(limit))])
        let reachedEnd = rows.count < limit
        let needles = wants.map { Array(Outbox.groupList([$0.group]).utf8) }
        var taken = [[Dispatcher.Delivery]](repeating: [], count: wants.count), full = [Bool](repeating: false, count: wants.count)
        for row in rows {
            guard let seq = row.integer("seq"), let id = row.text("message_id"), let frame = row.blob("envelope"),
                let list = row.text("groups")
            else { continue }
            for index in wants.indices where !full[index] && seq > positions[index] {
                if Self.names(list, needles[index]) {
                    guard taken[index].count < wants[index].room else {
                        full[index] = true
                        continue
                    }
                    taken[index].append(Dispatcher.Delivery(seq: seq, messageID: id, frame: frame))
                }
                positions[index] = seq
            }
        }
        let found = wants.indices.map { index in
            Found(
                group: wants[index].group, deliveries: taken[index], cursor: cursors[index],
                scannedThrough: reachedEnd && !full[index] ? max(positions[index], horizon) : positions[index], full: full[index])
        }
        return (found, reachedEnd)
    }

    /// Whether a stored group list (",a,b,") names the group whose ",group," is `needle`: a byte search, not
    /// Foundation's `String.contains`, which bridged every row of every load to NSString.
    static func names(_ list: String, _ needle: [UInt8]) -> Bool {
        var list = list
        return list.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            var start = 0
            while start + needle.count <= bytes.count {
                if bytes[start] == needle[0], bytes[start..<start + needle.count].elementsEqual(needle) { return true }
                start += 1
            }
            return false
        }
    }
}
