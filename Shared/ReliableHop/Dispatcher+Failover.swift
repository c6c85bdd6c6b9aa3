import IblaghStore
import Logging

/// What the dispatcher does as time passes: consumers gone silent or away, deliveries not acknowledged in time,
/// the end of the recovery period, leadership of a shared outbox, pruning.
extension Dispatcher {
    /// A consumer found gone (its connection refused a delivery, or its heartbeats stopped): it keeps what it holds
    /// until ``DispatcherConfiguration/failoverTimeout``, in case it comes back.
    func markAbsent(_ key: String) {
        guard let routingID = consumers[key]?.routingID else { return }
        routes[routingID] = nil
        consumers[key]?.routingID = nil
        consumers[key]?.absentSince = .now
        logger.notice("consumer absent", metadata: ["consumer": "\(key)", "holding": "\(consumers[key]?.outstanding.count ?? 0)"])
    }

    /// Gives a consumer's messages to the rest of its group.
    private func requeue(_ seqs: [Int64], of group: String) {
        for seq in seqs.sorted().reversed() {
            guard let flight = groups[group]?.inFlight.removeValue(forKey: seq) else { continue }
            consumers[flight.consumer]?.outstanding.remove(seq)
            groups[group]?.ready.prepend(flight.delivery)
            groups[group]?.metrics.redelivered.increment()
        }
    }

    func tick() {
        let now = ContinuousClock.now
        if !checkingLead, now - lastLeadCheck > configuration.pollInterval {
            checkingLead = true
            lastLeadCheck = now
            Task { leadershipChecked(await store.lead(Self.leadership)) }
        }
        if let until = recoveringUntil {
            // Deliver only once the replayed ACKs are on disk, so what a consumer applied is not sent to another.
            guard now >= until, !committing, !acknowledgementCommitWaiting, rejections.isEmpty else { return }
            recoveringUntil = nil
            logger.info("recovered: delivering", metadata: ["consumers": "\(consumers.count)"])
            recordBacklog()
            load()
        }
        for (key, consumer) in consumers {
            if consumer.absentSince == nil, now - consumer.lastSeen > configuration.heartbeatTimeout {
                markAbsent(key)
            } else if let since = consumer.absentSince, now - since > configuration.failoverTimeout {
                logger.notice("consumer gone: its messages go to the rest of its group", metadata: ["consumer": "\(key)"])
                requeue(Array(consumer.outstanding), of: consumer.group)
                consumers[key] = nil
            }
        }
        for (group, queue) in groups {
            let late = queue.inFlight.values.filter { $0.deadline < now && consumers[$0.consumer]?.absentSince == nil }
            if !late.isEmpty {
                logger.notice("unacknowledged messages redelivered", metadata: ["group": "\(group)", "count": "\(late.count)"])
                requeue(late.map(\.delivery.seq), of: group)
            }
            if now - queue.lastLoad > configuration.pollInterval, queue.ready.count < configuration.loadBatch / 2 { load() }
        }
        if now - lastPrune > .seconds(5), !pruning {
            lastPrune = now
            recordBacklog()
            // Rows every group has passed are done — unless a row is also for a group no key is enrolled for yet
            // (a region whose notifier is not deployed): it waits for that group.
            if let floor = groups.values.map({ $0.cursor ?? 0 }).min(), floor > 0 {
                pruning = true
                let served = groups.keys.sorted()
                Task {
                    do {
                        try await Outbox.prune(through: floor, served: served, in: store)
                    } catch {
                        logger.error("pruning the outbox failed; it is tried again in 5 s", metadata: ["error": "\(error)"])
                    }
                    pruning = false
                }
            }
        }
        pump()
    }

    /// Taking or losing the shared outbox: either way the groups start over from the stored cursors — the instance
    /// that delivered before may have moved them, and what it had in flight is redelivered (inboxes absorb repeats).
    private func leadershipChecked(_ leads: Bool) {
        checkingLead = false
        guard leads != leading else { return }
        leading = leads
        term += 1
        logger.notice(leads ? "this instance now delivers the shared outbox" : "another instance delivers the shared outbox now; standing by")
        for (group, queue) in groups { groups[group] = GroupQueue(metrics: queue.metrics) }
        for key in consumers.keys { consumers[key]?.outstanding = [] }
        if leads { load() }
    }
}
