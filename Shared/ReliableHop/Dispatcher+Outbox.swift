import Foundation
import IblaghStore
import Logging

/// The dispatcher and the outbox on disk: reading it past each group's position, and recording each group's cursor
/// and refused messages.
extension Dispatcher {
    /// The backlog gauge: a count over the waiting rows, so only at start and every few seconds, never per load.
    func recordBacklog() {
        for (group, queue) in groups {
            let metrics = queue.metrics
            Task {
                if let depth = try? await store.read({ try Outbox.depth(of: group, in: $0) }) { metrics.backlog.record(depth) }
            }
        }
    }

    /// Reads the outbox past each group's position — once, for every group with room (``OutboxReader``).
    func load() {
        guard leading else { return }
        guard !loading else {
            loadAgain = true
            return
        }
        let limit = configuration.loadBatch
        let wants = groups.compactMap { group, queue -> OutboxReader.Want? in
            queue.ready.count < limit
                ? .init(group: group, cursor: queue.cursor, loadedThrough: queue.loadedThrough, room: limit - queue.ready.count) : nil
        }
        guard !wants.isEmpty else { return }
        loading = true
        loadAgain = false
        for want in wants {
            groups[want.group]?.changedDuringLoad = false
            groups[want.group]?.lastLoad = .now
        }
        let term = term
        let read = { @Sendable (transaction: any StoreTransaction) in try OutboxReader.read(wants, limit: limit, in: transaction) }
        if store.worksInPlace {
            // Read on this thread (a snapshot: never waits for the writer), and taken on the loop's next turn, so a
            // backlog is read one batch per turn between the loop's other work.
            let result = Result { try store.readBlocking(read) }
            loop.execute { [weak self] in
                self?.assumeIsolated { $0.loaded(result, term: term) }
            }
            return
        }
        Task {
            let result: Result<(found: [OutboxReader.Found], reachedEnd: Bool), Error>
            do {
                result = .success(try await store.read(read))
            } catch {
                result = .failure(error)
            }
            loaded(result, term: term)
        }
    }

    private func loaded(_ result: Result<(found: [OutboxReader.Found], reachedEnd: Bool), Error>, term: Int) {
        loading = false
        guard term == self.term else {
            // Read for queues that leadership changed since: taken into the fresh ones, it would move them past the
            // rows the previous term had in flight, and those would never be delivered again. Read afresh.
            loadAgain = false
            return load()
        }
        switch result {
        case .success(let (found, reachedEnd)):
            for item in found { take(item, reachedEnd: reachedEnd) }
            commitAcknowledgements()
            pump()
            if loadAgain || (!reachedEnd && groups.values.contains { $0.ready.count < configuration.loadBatch }) { load() }
        case .failure(let error):
            loadAgain = false
            logger.error("reading the outbox failed; the next poll tries again", metadata: ["error": "\(error)"])
        }
    }

    /// One group's share of a read: its new deliveries, and its position past what it looked at.
    private func take(_ found: OutboxReader.Found, reachedEnd: Bool) {
        // Take the queue out while changing it, so its collections are not copied on write.
        guard var queue = groups.removeValue(forKey: found.group) else { return }
        if queue.cursor == nil {
            queue.cursor = found.cursor
            queue.loadedThrough = max(queue.loadedThrough, found.cursor)
        }
        for delivery in found.deliveries where delivery.seq > queue.loadedThrough {
            queue.unacknowledged.append(delivery.seq)
            queue.loadedThrough = delivery.seq
            if queue.acknowledgedEarly.remove(delivery.messageID) != nil {
                queue.acknowledge(delivery.seq)
            } else {
                queue.ready.append(delivery)
            }
        }
        // Past the rows that were not this group's: the next load does not scan them again, and a group with
        // nothing outstanding moves its cursor, so the rows every group is past can be pruned.
        queue.loadedThrough = max(queue.loadedThrough, found.scannedThrough)
        if queue.unacknowledged.isEmpty, queue.loadedThrough > (queue.cursor ?? 0) {
            queue.cursor = queue.loadedThrough
            queue.cursorDirty = true
        }
        queue.caughtUp = reachedEnd && !found.full && !queue.changedDuringLoad
        groups[found.group] = queue
    }

    /// Stores the groups' cursors (and refused messages as dead letters) in one transaction at a time; what arrives
    /// meanwhile waits for the next one. Losing a cursor move on a crash only causes redeliveries, which inboxes absorb
    /// (and a refusal lost with it is refused again): the commit is `.deferred`, with no fsync of its own.
    ///
    /// At most one commit every ``acknowledgementPause``: at a few hundred messages a second each ACK would otherwise
    /// commit alone, a transaction and two hand-offs to the store's writer per message, for a position that only
    /// matters after a crash.
    func commitAcknowledgements() {
        guard !committing, !acknowledgementCommitWaiting else { return }
        let cursors = groups.compactMap { group, queue in queue.cursorDirty ? (group, queue.cursor ?? 0) : nil }
        let nacks = rejections
        guard !cursors.isEmpty || !nacks.isEmpty else { return }
        let due = lastAcknowledgementCommit + Self.acknowledgementPause
        if ContinuousClock.now < due {
            acknowledgementCommitWaiting = true
            loop.schedule(at: due) { [weak self] in
                self?.assumeIsolated {
                    $0.acknowledgementCommitWaiting = false
                    $0.commitAcknowledgements()
                }
            }
            return
        }
        lastAcknowledgementCommit = .now
        for (group, _) in cursors { groups[group]?.cursorDirty = false }
        rejections.removeAll()
        committing = true
        Task {
            do {
                try await store.write(durability: .deferred) { transaction in
                    for (group, id, reason) in nacks {
                        try transaction.execute(
                            """
                            INSERT INTO hop_dead_letter (message_id, consumer_group, type, envelope, reason, dead_at)
                            SELECT message_id, ?, type, envelope, ?, ? FROM hop_outbox WHERE message_id = ?
                            """, [.text(group), .text(reason), .real(Date().timeIntervalSince1970), .text(id)])
                    }
                    for (group, cursor) in cursors {
                        try transaction.execute(
                            """
                            INSERT INTO hop_cursor (consumer_group, acked_through) VALUES (?, ?)
                            ON CONFLICT (consumer_group) DO UPDATE SET acked_through = CASE
                                WHEN excluded.acked_through > hop_cursor.acked_through THEN excluded.acked_through
                                ELSE hop_cursor.acked_through END
                            """, [.text(group), .integer(cursor)])
                    }
                }
                for (group, _, _) in nacks { groups[group]?.metrics.deadLettered.increment() }
            } catch {
                logger.error("recording acknowledgements failed; they will be redelivered", metadata: ["error": "\(error)"])
                for (group, _) in cursors { groups[group]?.cursorDirty = true }
            }
            committing = false
            commitAcknowledgements()
        }
    }
}
