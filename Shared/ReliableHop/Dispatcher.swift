import Foundation
import IblaghSchemas
import IblaghStore
import Logging
import ZeroMQ

/// The producer side of the reliable hop: delivers committed outbox rows to consumer instances that granted credit,
/// marks them delivered per consumer group on ACK, and gives a message to another instance when its holder stays
/// silent or away too long (PROTOCOL.md §4). Runs on its own poll loop; the outbox on disk is the only queue that
/// matters — everything here can be rebuilt from it after a crash.
public actor Dispatcher {
    public nonisolated let loop: PollLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    /// The endpoint actually bound (with the port chosen for `:*`).
    public nonisolated let boundEndpoint: String

    private let socket: ZMQSocket
    private let store: any Store
    private let configuration: DispatcherConfiguration
    private let logger: Logger
    private var groups: [String: GroupQueue] = [:]
    private var consumers: [String: ConsumerState] = [:]  // by "group/consumer-id"
    private var routes: [[UInt8]: String] = [:]  // routing id -> consumer key
    /// Per group, the consumer that took the group's last delivery: the group's next turn starts after it. (One key for
    /// all groups gave every trickling message of a group to its first instance whenever another group was served
    /// in the same pump: that group's consumer was then the last served, and the turns began again at the first.)
    private var lastServed: [String: String] = [:]
    private var rejections: [(group: String, messageID: String, reason: String)] = []
    private var committing = false
    /// When the last acknowledgement commit started, and whether one is waiting for ``acknowledgementPause``.
    private var lastAcknowledgementCommit = ContinuousClock.now - .seconds(1)
    private var acknowledgementCommitWaiting = false
    /// One read of the outbox at a time, for every group with room; a reason to read that comes meanwhile waits for
    /// it to end (`loadAgain`).
    private var loading = false
    private var loadAgain = false
    /// Counts changes of leadership: a read of the outbox begun before the last change is of no use after it.
    private var term = 0
    private var ticker: Task<Void, Never>?
    private var lastPrune = ContinuousClock.now
    private var pruning = false
    /// This run of the producer; consumers that see it change replay their recent ACKs (lost with the last run).
    private let epoch = Array(String(UInt64.random(in: 1...UInt64.max), radix: 16).utf8)
    /// Until then, only listen: deliveries wait for the replayed ACKs (see `recoveryPeriod`).
    private var recoveringUntil: ContinuousClock.Instant?
    /// Whether this instance delivers the outbox. Instances sharing one store (PostgreSQL) share one outbox: one of
    /// them delivers it at a time (``Store/lead(_:)``), the others take over when it goes. Always true on SQLite.
    private var leading = false
    private var checkingLead = false
    private var lastLeadCheck = ContinuousClock.now
    static let leadership = "iblagh.hop.dispatcher"

    /// Binds the dispatch endpoint and starts delivering what the outbox holds.
    public init(
        configuration: DispatcherConfiguration, context: ZMQContext, store: any Store,
        logger: Logger = Logger(label: "iblagh.hop.dispatcher")
    ) async throws {
        let socket = try context.socket(.router)
        try socket.makeCurveServer(keyPair: configuration.keyPair, allowList: configuration.consumers)
        try socket.setRouterMandatory(true)
        try socket.setMaxMessageSize(configuration.maxMessageSize)
        try socket.setSendHighWaterMark(0)  // credit bounds what we queue; never drop a delivery at a HWM
        try socket.setHeartbeat(interval: .seconds(1), timeout: .seconds(5), ttl: .seconds(10))
        self.boundEndpoint = try socket.bind(configuration.endpoint)
        self.loop = PollLoop(name: "dispatcher")
        self.socket = socket
        self.store = store
        self.configuration = configuration
        self.logger = logger
        for group in configuration.groups {
            groups[group] = GroupQueue(metrics: HopMetrics(side: "producer", group: group))
        }
        loop.watch(socket) { [unowned self] _ in
            assumeIsolated { $0.receiveFrames() }
        }
        let interval = min(configuration.heartbeatTimeout, configuration.pollInterval) / 4
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self?.tick()
            }
        }
        recoveringUntil = .now + configuration.recoveryPeriod
        leading = await store.lead(Self.leadership)
        if !leading { logger.notice("another instance delivers the shared outbox; this one stands by") }
    }

    /// Tells the dispatcher that the outbox gained rows (call after committing them).
    public func outboxChanged() {
        guard recoveringUntil == nil else { return }
        // Only as much in memory as the consumers can take soon: a backlog waits on disk, not here.
        for group in groups.keys {
            groups[group]?.caughtUp = false
            groups[group]?.changedDuringLoad = true
        }
        if groups.values.contains(where: { $0.ready.count < configuration.loadBatch / 2 }) { load() }
    }

    /// The least time between two commits of acknowledgements.
    static let acknowledgementPause: Duration = .milliseconds(20)

    /// ``outboxChanged()`` from any thread, without waiting: one wake of the dispatcher's loop. What a thread that
    /// commits on its own (a consumer's loop, intake's bus) calls, where an `await` would cost a hop through Swift's pool.
    public nonisolated func outboxChangedSoon() {
        loop.execute { [weak self] in
            self?.assumeIsolated { $0.outboxChanged() }
        }
    }

    /// How many consumer instances are connected and granting credit now, over all groups.
    public var connectedConsumers: Int {
        consumers.values.count { $0.routingID != nil && $0.absentSince == nil }
    }

    /// Stops delivering and closes the endpoint; unacknowledged messages stay in the outbox.
    public func stop() {
        ticker?.cancel()
        loop.unwatch(socket)
        loop.stop()
    }

    // MARK: Frames from consumers

    private func receiveFrames() {
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

    // MARK: Delivering

    /// Hands ready messages to consumers with free credit in turns of up to ``turn`` each, so instances share the load.
    /// Each group's turns go on from its consumer served last: messages that trickle in one by one alternate between
    /// a group's instances instead of all going to the first in order. What one consumer gets in a pass travels packed
    /// in `DELIVERS` frames. A turn costs one lookup of the consumer and of its group, not one per message.
    private func pump() {
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

    private func resend(consumer key: String) {
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

    private func markAbsent(_ key: String) {
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

    private func tick() {
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

    // MARK: The outbox on disk

    /// The backlog gauge: a count over the waiting rows, so only at start and every few seconds, never per load.
    private func recordBacklog() {
        for (group, queue) in groups {
            let metrics = queue.metrics
            Task {
                if let depth = try? await store.read({ try Outbox.depth(of: group, in: $0) }) { metrics.backlog.record(depth) }
            }
        }
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

    /// Reads the outbox past each group's position — once, for every group with room (``OutboxReader``).
    private func load() {
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
    private func commitAcknowledgements() {
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
