import Foundation
import IblaghSchemas
import IblaghStore
import Logging
import ZeroMQ

/// The consumer side of the reliable hop: one DEALER per upstream producer; each batch of deliveries is applied in
/// one transaction — inbox record, effect, own outbox rows — committed with fsync, and only **then** acknowledged.
/// Deliveries that arrive while a commit runs form the next batch (group commit without added delay).
public actor HopConsumer {
    public nonisolated let loop: PollLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    private let configuration: ConsumerConfiguration
    private let store: any Store
    private let handler: any HopHandler
    private let afterCommit: @Sendable () -> Void
    private let logger: Logger
    private let metrics: HopMetrics
    private var sockets: [ZMQSocket] = []
    private var batch: [Incoming] = []
    private var committing = false
    private var lingering = false
    /// What it grants each upstream now: what it can commit well within its lease (``CreditWindow``).
    private var window: CreditWindow
    private var heartbeat: Task<Void, Never>?
    /// Per upstream, the watch on its connection (``UpstreamWatch``).
    private var watches: [UpstreamWatch] = []
    private var epochs: [Int: [UInt8]] = [:]
    private var lastHeard: [Int: Date] = [:]
    private let started = Date()

    struct Incoming: Sendable {
        let upstream: Int
        let messageID: String
        let frame: [UInt8]
        let tag: UInt64
        let arrived: ContinuousClock.Instant
    }

    struct Outcome: Sendable {
        var acks: [Int: [UInt64]] = [:]  // delivery tags by upstream
        var nacks: [(upstream: Int, messageID: String, reason: String)] = []
        var duplicates = 0
        /// Past the lease when the transaction ran: left unapplied and unacknowledged, for the producer to redeliver.
        var expired = 0
    }

    /// Connects to every upstream and starts consuming. `afterCommit` runs on the consumer's loop after each committed
    /// batch, and must not wait (a service tells its own dispatcher that its outbox grew:
    /// ``Dispatcher/outboxChangedSoon()``).
    public init(
        configuration: ConsumerConfiguration, context: ZMQContext, store: any Store, handler: any HopHandler,
        afterCommit: @escaping @Sendable () -> Void = {}, logger: Logger = Logger(label: "iblagh.hop.consumer")
    ) async throws {
        self.loop = PollLoop(name: "consumer")
        self.configuration = configuration
        self.store = store
        self.handler = handler
        self.afterCommit = afterCommit
        self.logger = logger
        self.metrics = HopMetrics(side: "consumer", group: configuration.group)
        self.window = CreditWindow(
            limit: configuration.credit, lease: configuration.deliveryLease, upstreams: configuration.upstreams.count)
        // From here the initializer runs on the loop (self is whole): the sockets' watches start there.
        for (index, upstream) in configuration.upstreams.enumerated() {
            let socket = try context.socket(.dealer)
            try socket.makeCurveClient(keyPair: configuration.keyPair, serverKey: upstream.serverKey)
            try socket.setMaxMessageSize(Int64(Iblagh_V1_Envelope.maximumFrameBytes) + 1024)
            try socket.setHeartbeat(interval: .seconds(1), timeout: .seconds(5), ttl: .seconds(10))
            try socket.setImmediate(true)  // CREDIT/ACK go to a live connection or not at all
            watches.append(try UpstreamWatch(
                socket, on: loop, upstream: upstream.name, group: configuration.group, unreachableWarning: configuration.unreachableWarning,
                logger: logger, refusals: metrics.refusedHandshakes, reconnect: { [weak self] in await self?.reconnect(index) }))
            try socket.connect(upstream.endpoint)
            sockets.append(socket)
            loop.watch(socket) { [unowned self] _ in
                assumeIsolated { $0.receive(from: index) }
            }
        }
        let interval = configuration.heartbeatInterval
        heartbeat = Task { [weak self] in
            var beats = 0
            while !Task.isCancelled {
                await self?.grantCredit()
                if beats % 60 == 0 { await self?.pruneInbox() }
                beats += 1
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Why an upstream does not admit this consumer, one line per upstream whose last handshake failed: a service
    /// with any is not ready (``UpstreamWatch/refusal``).
    public func refusals() -> [String] {
        zip(configuration.upstreams, watches).compactMap { upstream, watch in
            watch.refusal.map { "upstream \(upstream.name) at \(upstream.endpoint) \($0)" }
        }
    }

    /// Stops consuming; what was not acknowledged is redelivered by the producers.
    public func stop() {
        heartbeat?.cancel()
        for watch in watches { watch.cancel() }
        for socket in sockets { loop.unwatch(socket) }
        sockets.removeAll()
        loop.stop()
    }

    /// Connects to upstream `index` again, after it refused the handshake (libzmq gave that connection up).
    private func reconnect(_ index: Int) {
        guard index < sockets.count else { return }  // stopped meanwhile
        let endpoint = configuration.upstreams[index].endpoint
        try? sockets[index].disconnect(endpoint)
        do {
            try sockets[index].connect(endpoint)
        } catch {
            logger.error("connecting to the upstream again failed", metadata: ["upstream": "\(configuration.upstreams[index].name)", "error": "\(error)"])
        }
    }

    private func grantCredit() {
        let credit = Iblagh_V1_Credit.with {
            $0.consumerGroup = configuration.group
            $0.consumerID = configuration.consumerID
            $0.credit = window.credit
        }
        metrics.credit.record(Int(window.credit))
        let body = (try? credit.serializedBytes()) ?? []
        for socket in sockets { _ = try? socket.send(Multipart([HopFrame.credit, body]), dontWait: true) }
    }

    private func pruneInbox() async {
        do {
            _ = try await Inbox.prune(receivedBefore: Date() - configuration.inboxRetention.inSeconds, in: store)
        } catch {
            logger.error("pruning the inbox failed", metadata: ["error": "\(error)"])
        }
    }

    private func receive(from upstream: Int) {
        guard upstream < sockets.count else { return }
        let socket = sockets[upstream]
        var count = 0
        while count < configuration.maxBatch, let message = try? socket.receive(dontWait: true) {
            count += 1
            let frames = message.frames
            let heard = lastHeard[upstream]
            lastHeard[upstream] = Date()
            if frames.count == 2, frames[0] == HopFrame.epoch {
                if epochs[upstream] != frames[1] {
                    epochs[upstream] = frames[1]
                    replayAcknowledgements(to: upstream, since: (heard ?? started).addingTimeInterval(-10))
                }
                continue
            }
            if frames.count == 2, frames[0] == HopFrame.error {
                let reason = (try? Iblagh_V1_ErrorReply(serializedBytes: frames[1]))?.reason ?? "unreadable"
                logger.error("producer refused us", metadata: ["upstream": "\(configuration.upstreams[upstream].name)", "reason": "\(reason)"])
                continue
            }
            if frames.count == 2, frames[0] == HopFrame.delivers {
                guard let entries = PackedDeliveries.decode(frames[1]) else {
                    metrics.refusedFrames.increment()
                    logger.warning("malformed DELIVERS frame from producer dropped", metadata: ["upstream": "\(configuration.upstreams[upstream].name)", "bytes": "\(frames[1].count)"])
                    continue
                }
                let now = ContinuousClock.now
                for entry in entries {
                    batch.append(Incoming(upstream: upstream, messageID: entry.messageID, frame: entry.envelope, tag: entry.tag, arrived: now))
                }
                continue
            }
            // A single DELIVER: what producers before DELIVERS sent.
            guard frames.count == 4, frames[0] == HopFrame.deliver,
                let id = String(validating: frames[1], as: UTF8.self), !id.isEmpty, let tag = Self.tag(frames[3])
            else {
                metrics.refusedFrames.increment()
                logger.warning("malformed frame from producer dropped", metadata: ["upstream": "\(configuration.upstreams[upstream].name)", "frames": "\(frames.count)"])
                continue
            }
            batch.append(Incoming(upstream: upstream, messageID: id, frame: frames[2], tag: tag, arrived: .now))
        }
        commitSoon()
    }

    /// A DELIVER frame's tag: 8 bytes, big-endian.
    private static func tag(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Commits what has arrived, or — for a small batch whose first message is younger than the linger — once the
    /// linger is over, so that messages arriving meanwhile share the transaction.
    private func commitSoon() {
        guard !committing, let first = batch.first else { return }
        let due = first.arrived + configuration.linger
        guard batch.count < configuration.lingerBatch, ContinuousClock.now < due else { return commitIfIdle() }
        guard !lingering else { return }
        lingering = true
        loop.schedule(at: due) { [weak self] in
            self?.assumeIsolated {
                $0.lingering = false
                $0.commitIfIdle()
            }
        }
    }

    /// Commits what has arrived. A small batch commits on this loop's own thread (``Store/writeBlocking``), when the
    /// store writes in place: what arrives meanwhile waits in libzmq and makes the next batch, and the batch never
    /// changes threads between its frames arriving and its ACKs leaving — at a few hundred messages a second most
    /// batches are one message, and handing each to Swift's pool, the store's writer and back cost several context
    /// switches. A large batch (or a store that does not write in place) commits off the loop, which meanwhile keeps
    /// granting credit: a producer takes a consumer silent for its heartbeat timeout for gone.
    private func commitIfIdle() {
        while !committing, let work = nextBatch() {
            metrics.commitBatch.record(work.count)
            let started = ContinuousClock.now
            let transaction = Self.transaction(work, lease: configuration.deliveryLease, upstreams: configuration.upstreams, handler: handler)
            if store.worksInPlace, work.count <= Self.inPlaceBatchLimit {
                committed(work, Result { try store.writeBlocking(durability: .synced, transaction) }, since: started)
            } else {
                committing = true
                Task {
                    let result: Result<Outcome, Error>
                    do { result = .success(try await store.write(transaction)) } catch { result = .failure(error) }
                    committing = false
                    committed(work, result, since: started)
                    commitIfIdle()
                }
            }
        }
    }

    /// Batches of up to this many messages commit on the loop's thread.
    static let inPlaceBatchLimit = 64

    /// The next batch, without the deliveries already past their lease.
    private func nextBatch() -> [Incoming]? {
        while !batch.isEmpty {
            var work = Array(batch.prefix(configuration.maxBatch))
            batch.removeFirst(work.count)
            let lease = configuration.deliveryLease
            let expired = work.count { ContinuousClock.now - $0.arrived > lease }
            if expired > 0 {
                droppedPastLease(expired)
                work.removeAll { ContinuousClock.now - $0.arrived > lease }
            }
            if !work.isEmpty { return work }
        }
        return nil
    }

    private static func transaction(
        _ work: [Incoming], lease: Duration, upstreams: [ConsumerConfiguration.Upstream], handler: any HopHandler
    ) -> @Sendable (any StoreTransaction) throws -> Outcome {
        { transaction in
            // Checked again inside the transaction: a pause between taking the batch and here must not slip through.
            let now = ContinuousClock.now
            var outcome = try apply(work.filter { now - $0.arrived <= lease }, upstreams: upstreams, handler: handler, in: transaction)
            outcome.expired = work.count { now - $0.arrived > lease }
            return outcome
        }
    }

    /// After a batch's transaction: acknowledge what it applied, or put it back and try again shortly.
    private func committed(_ work: [Incoming], _ result: Result<Outcome, Error>, since started: ContinuousClock.Instant) {
        switch result {
        case .success(let outcome):
            // The store may have run the transaction again (a lost conflict, a reconnection) past some leases.
            if outcome.expired > 0 { droppedPastLease(outcome.expired) }
            // What was committed: deliveries past their lease were not, and must not open the window.
            window.committed(work.count - outcome.expired, in: ContinuousClock.now - started)
            acknowledge(outcome)
            afterCommit()
        case .failure(let error):
            // Nothing was committed: try the same batch again shortly (the producer also redelivers).
            logger.error("applying a batch failed; retrying", metadata: ["error": "\(error)", "messages": "\(work.count)"])
            batch.insert(contentsOf: work, at: 0)
            committing = true
            Task {
                try? await Task.sleep(for: .milliseconds(500))
                committing = false
                commitIfIdle()
            }
        }
    }

    /// The transaction: inbox record and effect for every message. Optimistically all in one savepoint; when one
    /// message is refused, the batch is redone with a savepoint per message, so a refused one leaves no trace.
    private static func apply(
        _ work: [Incoming], upstreams: [ConsumerConfiguration.Upstream], handler: any HopHandler,
        in transaction: any StoreTransaction
    ) throws -> Outcome {
        do {
            return try transaction.savepoint {
                try apply(work, upstreams: upstreams, handler: handler, in: transaction, isolated: false)
            }
        } catch is BatchNeedsIsolation {
            return try apply(work, upstreams: upstreams, handler: handler, in: transaction, isolated: true)
        }
    }

    /// Thrown out of the optimistic pass when a message is refused: its partial effects must be undone alone.
    private struct BatchNeedsIsolation: Error {}

    private static func apply(
        _ work: [Incoming], upstreams: [ConsumerConfiguration.Upstream], handler: any HopHandler,
        in transaction: any StoreTransaction, isolated: Bool
    ) throws -> Outcome {
        var outcome = Outcome()
        let now = Date().timeIntervalSince1970
        for incoming in work {
            let upstream = upstreams[incoming.upstream]
            let applyOne = { () throws -> Bool in
                let envelope = try Iblagh_V1_Envelope(frame: incoming.frame)
                guard envelope.messageID == incoming.messageID else {
                    throw HopRejection("the envelope's message_id differs from the delivery's")
                }
                guard upstream.acceptedTypes.contains(envelope.type) else {
                    throw HopRejection("\(upstream.name) may not send \(envelope.type) to this consumer group")
                }
                let inserted = try transaction.execute(
                    "INSERT INTO hop_inbox (message_id, upstream, received_at) VALUES (?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
                    [.text(incoming.messageID), .text(upstream.name), .real(now)])
                guard inserted == 1 else { return false }
                try handler.apply(envelope, from: upstream.name, in: transaction)
                return true
            }
            do {
                let fresh = isolated ? try transaction.savepoint(applyOne) : try applyOne()
                if !fresh { outcome.duplicates += 1 }
                outcome.acks[incoming.upstream, default: []].append(incoming.tag)
            } catch let error as SchemaError {
                guard isolated else { throw BatchNeedsIsolation() }
                outcome.nacks.append((incoming.upstream, incoming.messageID, error.reason))
            } catch let rejection as HopRejection {
                guard isolated else { throw BatchNeedsIsolation() }
                outcome.nacks.append((incoming.upstream, incoming.messageID, rejection.reason))
            }
        }
        return outcome
    }

    /// A producer restarted: ACKs sent to its previous run may have died with it. Send again the ids applied from it
    /// since shortly before we last heard from that run, so it does not give them to another instance.
    private func replayAcknowledgements(to upstream: Int, since: Date) {
        let name = configuration.upstreams[upstream].name
        Task {
            do {
                let ids = try await store.read { transaction in
                    try transaction.rows(
                        "SELECT message_id FROM hop_inbox WHERE upstream = ? AND received_at >= ?",
                        [.text(name), .real(since.timeIntervalSince1970)]
                    ).compactMap { $0.text("message_id") }
                }
                guard !ids.isEmpty, upstream < sockets.count else { return }
                logger.info("producer restarted: replaying acknowledgements", metadata: ["upstream": "\(name)", "count": "\(ids.count)"])
                for start in stride(from: 0, to: ids.count, by: 5000) {
                    let ack = Iblagh_V1_Ack.with { $0.messageIds = Array(ids[start..<min(ids.count, start + 5000)]) }
                    _ = try? sockets[upstream].send(Multipart([HopFrame.ack, (try? ack.serializedBytes()) ?? []]), dontWait: true)
                }
            } catch {
                logger.error("replaying acknowledgements failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Deliveries left unapplied and unacknowledged: their producer gives them out again at its redelivery timeout.
    private func droppedPastLease(_ count: Int) {
        logger.warning("deliveries held past their lease dropped unapplied", metadata: ["count": "\(count)"])
    }

    private func acknowledge(_ outcome: Outcome) {
        metrics.duplicatesIgnored.increment(by: outcome.duplicates)
        for (upstream, tags) in outcome.acks where upstream < sockets.count {
            let ack = Iblagh_V1_Ack.with { $0.deliveryTags = tags }
            _ = try? sockets[upstream].send(Multipart([HopFrame.ack, (try? ack.serializedBytes()) ?? []]), dontWait: true)
            metrics.acknowledged.increment(by: tags.count)
        }
        for nack in outcome.nacks where nack.upstream < sockets.count {
            logger.warning("message refused", metadata: ["message_id": "\(nack.messageID)", "reason": "\(nack.reason)"])
            let body = Iblagh_V1_Nack.with {
                $0.messageID = nack.messageID
                $0.reason = nack.reason
            }
            _ = try? sockets[nack.upstream].send(Multipart([HopFrame.nack, (try? body.serializedBytes()) ?? []]), dontWait: true)
            metrics.deadLettered.increment()
        }
    }
}
