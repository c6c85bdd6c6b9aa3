import DequeModule

/// What the ``Dispatcher`` keeps in memory per consumer group and per consumer instance: all of it rebuilt from the
/// outbox and the stored cursors after a restart.
extension Dispatcher {
    struct Delivery: Sendable {
        let seq: Int64
        let messageID: String
        let frame: [UInt8]
    }

    struct InFlight {
        let delivery: Delivery
        let consumer: String
        var deadline: ContinuousClock.Instant
    }

    struct GroupQueue {
        var ready = Deque<Delivery>()
        var inFlight: [Int64: InFlight] = [:]  // by seq
        /// Loaded and not yet acknowledged, in outbox order; the cursor stops before the first of them.
        var unacknowledged = Deque<Int64>()
        /// Acknowledged, but behind an unacknowledged one.
        var acknowledgedAhead = Set<Int64>()
        /// Ids acknowledged before they were loaded (ACKs replayed to a restarted producer).
        var acknowledgedEarly = Set<String>()
        /// Every row up to here is acknowledged; nil until read from `hop_cursor`.
        var cursor: Int64?
        var cursorDirty = false
        var loadedThrough: Int64 = 0
        /// The last load found fewer rows than a batch: nothing more to read until the outbox changes (or the poll).
        var caughtUp = false
        /// The outbox changed since the running load began: what it finds may not be the end.
        var changedDuringLoad = false
        var lastLoad = ContinuousClock.now
        let metrics: HopMetrics

        /// Takes up to `limit` ready deliveries for `consumer`, in flight until `deadline`.
        mutating func take(_ limit: Int, for consumer: String, deadline: ContinuousClock.Instant) -> [Delivery] {
            let taken = Array(ready.prefix(limit))
            ready.removeFirst(taken.count)
            for delivery in taken { inFlight[delivery.seq] = InFlight(delivery: delivery, consumer: consumer, deadline: deadline) }
            return taken
        }

        /// Acknowledges `seqs` for `consumer`: in flight (with whichever instance holds each: others are named in
        /// `heldByOthers`), or back in the ready queue after a requeue and acknowledged by their first holder.
        mutating func settle(_ seqs: [Int64], by consumer: String, heldByOthers: inout [(consumer: String, seq: Int64)]) {
            for seq in seqs {
                if let flight = inFlight.removeValue(forKey: seq) {
                    if flight.consumer != consumer { heldByOthers.append((flight.consumer, seq)) }
                    acknowledge(seq)
                } else if let index = ready.firstIndex(where: { $0.seq == seq }) {
                    ready.remove(at: index)
                    acknowledge(seq)
                }
            }
        }

        /// Marks `seq` acknowledged and moves the cursor past every acknowledged row at the front.
        mutating func acknowledge(_ seq: Int64) {
            acknowledgedAhead.insert(seq)
            while let first = unacknowledged.first, acknowledgedAhead.remove(first) != nil {
                unacknowledged.removeFirst()
            }
            let advanced = unacknowledged.first.map { $0 - 1 } ?? loadedThrough
            if advanced > (cursor ?? 0) {
                cursor = advanced
                cursorDirty = true
            }
        }
    }

    struct ConsumerState {
        let key: String
        let group: String
        var routingID: [UInt8]?
        var window: Int
        var outstanding: Set<Int64> = []  // seqs
        var lastSeen: ContinuousClock.Instant
        var absentSince: ContinuousClock.Instant?
    }
}
