import IblaghStore
import Logging
import ZeroMQ

/// The producer side of the reliable hop: delivers committed outbox rows to consumer instances that granted credit,
/// marks them delivered per consumer group on ACK, and gives a message to another instance when its holder stays
/// silent or away too long (PROTOCOL.md §4). Runs on its own poll loop; the outbox on disk is the only queue that
/// matters — everything here can be rebuilt from it after a crash.
///
/// Its work, by concern: `Dispatcher+Frames` (what consumers send), `+Delivering` (to consumers with credit),
/// `+Failover` (as time passes: silent consumers, late ACKs, leadership, pruning), `+Outbox` (reading the outbox and
/// recording the cursors).
public actor Dispatcher {
    public nonisolated let loop: PollLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    /// The endpoint actually bound (with the port chosen for `:*`).
    public nonisolated let boundEndpoint: String

    let socket: ZMQSocket
    let store: any Store
    let configuration: DispatcherConfiguration
    let logger: Logger
    var groups: [String: GroupQueue] = [:]
    var consumers: [String: ConsumerState] = [:]  // by "group/consumer-id"
    var routes: [[UInt8]: String] = [:]  // routing id -> consumer key
    /// Per group, the consumer that took the group's last delivery: the group's next turn starts after it. (One key for
    /// all groups gave every trickling message of a group to its first instance whenever another group was served
    /// in the same pump: that group's consumer was then the last served, and the turns began again at the first.)
    var lastServed: [String: String] = [:]
    var rejections: [(group: String, messageID: String, reason: String)] = []
    var committing = false
    /// When the last acknowledgement commit started, and whether one is waiting for ``acknowledgementPause``.
    var lastAcknowledgementCommit = ContinuousClock.now - .seconds(1)
    var acknowledgementCommitWaiting = false
    /// One read of the outbox at a time, for every group with room; a reason to read that comes meanwhile waits for
    /// it to end (`loadAgain`).
    var loading = false
    var loadAgain = false
    /// Counts changes of leadership: a read of the outbox begun before the last change is of no use after it.
    var term = 0
    var ticker: Task<Void, Never>?
    var lastPrune = ContinuousClock.now
    var pruning = false
    /// This run of the producer; consumers that see it change replay their recent ACKs (lost with the last run).
    let epoch = Array(String(UInt64.random(in: 1...UInt64.max), radix: 16).utf8)
    /// Until then, only listen: deliveries wait for the replayed ACKs (see `recoveryPeriod`).
    var recoveringUntil: ContinuousClock.Instant?
    /// Whether this instance delivers the outbox. Instances sharing one store (PostgreSQL) share one outbox: one of
    /// them delivers it at a time (``Store/lead(_:)``), the others take over when it goes. Always true on SQLite.
    var leading = false
    var checkingLead = false
    var lastLeadCheck = ContinuousClock.now
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
}
