import IblaghSchemas
import Logging
import ZeroMQ

/// What consumers send the dispatcher: credit (a consumer joins or comes back), ACKs and NACKs; anything else is
/// refused with a reason, logged, and answered with an ERROR frame.
extension Dispatcher {
    func receiveFrames() {
        var count = 0
        while count < 10_000, let message = try? socket.receive(dontWait: true) {
            count += 1
            handle(message)
        }
        commitAcknowledgements()
        pump()
    }

    private func handle(_ message: Multipart) {
        let frames = message.frames
        guard frames.count == 3, let role = message.userID else {
            return refuse(frames.first ?? [], role: message.userID, reason: "expected [routing id, command, body]")
        }
        let routingID = frames[0]
        switch frames[1] {
        case HopFrame.credit:
            guard let credit = try? Iblagh_V1_Credit(serializedBytes: frames[2]) else {
                return refuse(routingID, role: role, reason: "CREDIT body is not an iblagh.v1.Credit")
            }
            guard DispatcherConfiguration.groups(of: role).contains(credit.consumerGroup), groups[credit.consumerGroup] != nil else {
                return refuse(routingID, role: role, reason: "role \(role) may not consume as group \"\(credit.consumerGroup)\"")
            }
            guard !credit.consumerID.isEmpty, credit.credit > 0 else {
                return refuse(routingID, role: role, reason: "CREDIT needs a consumer_id and a positive credit")
            }
            register(routingID: routingID, group: credit.consumerGroup, consumerID: credit.consumerID, window: Int(credit.credit))
            _ = try? socket.send(Multipart([routingID, HopFrame.epoch, epoch]), dontWait: true)
        case HopFrame.ack:
            guard let key = routes[routingID], let ack = try? Iblagh_V1_Ack(serializedBytes: frames[2]) else {
                return refuse(routingID, role: role, reason: "ACK from an unregistered consumer or with a bad body")
            }
            settle(ack.deliveryTags.map { Int64(bitPattern: $0) }, consumer: key)
            settle(ack.messageIds, consumer: key, rejection: nil)
        case HopFrame.nack:
            guard let key = routes[routingID], let nack = try? Iblagh_V1_Nack(serializedBytes: frames[2]) else {
                return refuse(routingID, role: role, reason: "NACK from an unregistered consumer or with a bad body")
            }
            logger.warning("message refused by consumer", metadata: ["message_id": "\(nack.messageID)", "consumer": "\(key)", "reason": "\(nack.reason)"])
            settle([nack.messageID], consumer: key, rejection: nack.reason)
        default:
            refuse(routingID, role: role, reason: "unknown command")
        }
    }

    private func refuse(_ routingID: [UInt8], role: String?, reason: String) {
        groups.values.first?.metrics.refusedFrames.increment()
        logger.warning("dispatch frame refused", metadata: ["role": "\(role ?? "-")", "reason": "\(reason)"])
        guard !routingID.isEmpty else { return }
        let error = Iblagh_V1_ErrorReply.with {
            $0.code = .roleNotAllowed
            $0.reason = reason
        }
        _ = try? socket.send(Multipart([routingID, HopFrame.error, (try? error.serializedBytes()) ?? []]), dontWait: true)
    }

    private func register(routingID: [UInt8], group: String, consumerID: String, window: Int) {
        let key = "\(group)/\(consumerID)"
        let now = ContinuousClock.now
        if var consumer = consumers[key] {
            if consumer.routingID != routingID {
                // The instance restarted (or reconnected): it gets back what it held, in case it lost it.
                if let old = consumer.routingID { routes[old] = nil }
                consumer.routingID = routingID
                logger.info("consumer back", metadata: ["consumer": "\(key)", "holding": "\(consumer.outstanding.count)"])
                consumers[key] = consumer
                routes[routingID] = key
                resend(consumer: key)
            }
            consumers[key]?.window = window
            consumers[key]?.lastSeen = now
            consumers[key]?.absentSince = nil
        } else {
            logger.info("consumer joined", metadata: ["consumer": "\(key)", "credit": "\(window)"])
            consumers[key] = ConsumerState(key: key, group: group, routingID: routingID, window: window, lastSeen: now)
            routes[routingID] = key
        }
    }

    /// ACKs of deliveries, named by their tags, by one consumer: the common path, without a string in sight and with
    /// one lookup of the consumer and of its group per ACK frame, not per message.
    private func settle(_ seqs: [Int64], consumer key: String) {
        guard !seqs.isEmpty, let group = consumers[key]?.group else { return }
        consumers[key]?.outstanding.subtract(seqs)
        var heldByOthers: [(consumer: String, seq: Int64)] = []
        groups[group]?.settle(seqs, by: key, heldByOthers: &heldByOthers)
        for (other, seq) in heldByOthers { consumers[other]?.outstanding.remove(seq) }
        groups[group]?.metrics.acknowledged.increment(by: seqs.count)
    }

    /// ACKs (rejection nil) or a NACK of messages named by their ids: NACKs, and ACKs replayed to a restarted
    /// producer. One pass over what is in flight and ready finds them all: a restarted producer is sent thousands at
    /// once, and a pass for each scanned thousands each time.
    private func settle(_ messageIDs: [String], consumer key: String, rejection: String?) {
        guard !messageIDs.isEmpty, let group = consumers[key]?.group else { return }
        if let rejection { rejections.append(contentsOf: messageIDs.map { (group, $0, rejection) }) }
        let (found, unknown) = groups[group].map { queue -> ([Int64], Set<String>) in
            var unknown = Set(messageIDs), found: [Int64] = []
            for (seq, flight) in queue.inFlight where unknown.remove(flight.delivery.messageID) != nil { found.append(seq) }
            for delivery in queue.ready where unknown.remove(delivery.messageID) != nil { found.append(delivery.seq) }
            return (found, unknown)
        } ?? ([], Set(messageIDs))
        settle(found, consumer: key)
        if recoveringUntil != nil {
            // ACKs replayed for messages this run has not loaded yet: skip them when they are loaded. After recovery
            // such ACKs are late duplicates (the message was acknowledged already); remembering them would only leak.
            groups[group]?.acknowledgedEarly.formUnion(unknown)
        }
        groups[group]?.metrics.acknowledged.increment(by: unknown.count)
    }
}
