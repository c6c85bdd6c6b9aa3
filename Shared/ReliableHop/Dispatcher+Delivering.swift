import ZeroMQ

/// Handing ready messages to consumers with credit, packed in `DELIVERS` frames, in turns so a group's instances
/// share the load.
extension Dispatcher {
    /// Hands ready messages to consumers with free credit in turns of up to ``turn`` each, so instances share the load.
    /// Each group's turns go on from its consumer served last: messages that trickle in one by one alternate between
    /// a group's instances instead of all going to the first in order. What one consumer gets in a pass travels packed
    /// in `DELIVERS` frames. A turn costs one lookup of the consumer and of its group, not one per message.
    func pump() {
        guard recoveringUntil == nil, leading else { return }
        let ready = Dictionary(grouping: consumers.values.filter { $0.routingID != nil && $0.absentSince == nil && $0.outstanding.count < $0.window }, by: \.group)
        var open: [String] = []
        for (group, members) in ready.sorted(by: { $0.key < $1.key }) {
            let keys = members.map(\.key).sorted()
            let next = keys.firstIndex { $0 > lastServed[group, default: ""] } ?? 0
            open += keys[next...] + keys[..<next]
        }
        var parcels: [String: Parcel] = [:]
        let deadline = ContinuousClock.now + configuration.redeliveryTimeout
        while !open.isEmpty {
            var stillOpen: [String] = []
            for key in open {
                // Read fields, never copy the whole state: a copy would share `outstanding`, and the insert below
                // would then copy the set.
                guard let group = consumers[key]?.group, let routingID = consumers[key]?.routingID,
                    let room = consumers[key].map({ $0.window - $0.outstanding.count }), room > 0,
                    let taken = groups[group]?.take(min(room, Self.turn), for: key, deadline: deadline), !taken.isEmpty
                else { continue }
                consumers[key]?.outstanding.formUnion(taken.lazy.map(\.seq))
                lastServed[group] = key
                var parcel = parcels.removeValue(forKey: key) ?? Parcel(routingID: routingID)
                for (index, delivery) in taken.enumerated() {
                    parcel.add(delivery)
                    guard parcel.body.count >= PackedDeliveries.targetBytes else { continue }
                    guard ship(parcel, to: key) else {
                        // Gone: the parcel went back to the front of the ready queue; what this turn took after it
                        // goes right behind it.
                        giveBack(taken[(index + 1)...], from: key, group: group, at: parcel.deliveries.count)
                        break
                    }
                    parcel = Parcel(routingID: routingID)
                }
                guard consumers[key]?.routingID != nil else { continue }  // found gone
                if !parcel.deliveries.isEmpty { parcels[key] = parcel }
                if taken.count == Self.turn, room > Self.turn { stillOpen.append(key) }
            }
            open = stillOpen
        }
        for (key, parcel) in parcels { ship(parcel, to: key) }
        var refill = false
        for queue in groups.values {
            queue.metrics.inFlight.record(queue.inFlight.count)
            // Refill only while the outbox may hold more: loading again after a load that found the end would
            // re-read the outbox in a loop (load → pump → load) while idle.
            if !queue.caughtUp, queue.ready.count < configuration.loadBatch / 2 { refill = true }
        }
        if refill { load() }
    }

    /// The most deliveries one consumer takes in a turn of ``pump()``.
    static let turn = 32

    /// Deliveries for one consumer, packed into one `DELIVERS` body.
    private struct Parcel {
        let routingID: [UInt8]
        var body: [UInt8] = []
        var deliveries: [Delivery] = []

        init(routingID: [UInt8]) {
            self.routingID = routingID
        }

        mutating func add(_ delivery: Delivery) {
            PackedDeliveries.append(tag: UInt64(delivery.seq), messageID: delivery.messageID, envelope: delivery.frame, to: &body)
            deliveries.append(delivery)
        }
    }

    /// Sends a parcel. When the consumer is gone (EHOSTUNREACH) its deliveries go back to the front of the ready queue
    /// and the consumer is marked absent.
    @discardableResult
    private func ship(_ parcel: Parcel, to key: String) -> Bool {
        guard let group = consumers[key]?.group else { return false }
        if send(parcel) {
            groups[group]?.metrics.delivered.increment(by: parcel.deliveries.count)
            return true
        }
        giveBack(parcel.deliveries, from: key, group: group)
        markAbsent(key)
        return false
    }

    /// Deliveries taken for `key` and not sent: no longer in flight or held, back in the ready queue at `position`, in
    /// order.
    private func giveBack(_ deliveries: some Collection<Delivery>, from key: String, group: String, at position: Int = 0) {
        for delivery in deliveries {
            consumers[key]?.outstanding.remove(delivery.seq)
            groups[group]?.inFlight[delivery.seq] = nil
        }
        groups[group]?.ready.insert(contentsOf: deliveries, at: position)
    }

    /// One `DELIVERS` frame; false when the consumer is gone (EHOSTUNREACH).
    private func send(_ parcel: Parcel) -> Bool {
        (try? socket.send(Multipart([parcel.routingID, HopFrame.delivers, parcel.body]), dontWait: true)) == true
    }

    func resend(consumer key: String) {
        guard let consumer = consumers[key], let routingID = consumer.routingID else { return }
        var parcel = Parcel(routingID: routingID)
        func flush() {
            guard !parcel.deliveries.isEmpty, send(parcel) else { return }
            for delivery in parcel.deliveries {
                groups[consumer.group]?.inFlight[delivery.seq]?.deadline = .now + configuration.redeliveryTimeout
            }
            groups[consumer.group]?.metrics.redelivered.increment(by: parcel.deliveries.count)
        }
        for seq in consumer.outstanding.sorted() {
            guard let flight = groups[consumer.group]?.inFlight[seq] else { continue }
            parcel.add(flight.delivery)
            if parcel.body.count >= PackedDeliveries.targetBytes {
                flush()
                parcel = Parcel(routingID: routingID)
            }
        }
        flush()
    }
}
