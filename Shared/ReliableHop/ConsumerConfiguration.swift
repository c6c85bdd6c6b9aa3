import IblaghSchemas
import ZeroMQ

/// How a consumer instance takes messages from its upstream producers.
public struct ConsumerConfiguration: Sendable {
    /// One producer instance to connect to.
    public struct Upstream: Sendable {
        /// A name for logs and the inbox, e.g. `intake-1`.
        public var name: String
        public var endpoint: String
        public var serverKey: CurvePublicKey
        /// The message types this upstream may send us; anything else is refused (dead-lettered at the producer).
        public var acceptedTypes: Set<Iblagh_V1_MessageType>

        public init(name: String, endpoint: String, serverKey: CurvePublicKey, acceptedTypes: Set<Iblagh_V1_MessageType>) {
            self.name = name
            self.endpoint = endpoint
            self.serverKey = serverKey
            self.acceptedTypes = acceptedTypes
        }
    }

    /// The consumer group: must be this instance's role in the producers' allow-lists.
    public var group: String
    /// This instance's stable id (`router-1`): a restarted instance with the same id gets back what it held.
    public var consumerID: String
    public var keyPair: CurveKeyPair
    public var upstreams: [Upstream]
    /// How many unacknowledged messages this instance takes from each producer.
    public var credit: UInt32 = 1000
    /// How often CREDIT is re-sent (it doubles as the heartbeat).
    public var heartbeatInterval: Duration = .seconds(1)
    /// Most messages committed in one transaction.
    public var maxBatch = 2000
    /// How long a small batch (under ``lingerBatch`` messages) waits, from its first message's arrival, for more to
    /// share its transaction. At a few hundred messages a second nearly every commit otherwise carries one message,
    /// and a commit costs far more than a message; zero commits at once. Every service's default is 2 ms (issue 3: a
    /// lone message is not delayed by more than a few milliseconds). An operator may let a stage whose readers do not
    /// count milliseconds (the tracker, statistics, intake's reporter steps) wait longer, for fewer, larger
    /// transactions: at 300 reports/s, 50 ms took the tracker from 1.25 to 0.8 ms of CPU per report
    /// (docs/configuration.md, "Hop linger").
    public var linger: Duration
    /// A batch this large commits without lingering.
    public var lingerBatch = 32
    /// A delivery not committed within this long after it arrived is dropped unapplied and unacknowledged: by then
    /// the producer may be about to give it to another instance (its failover timeout must be longer). This keeps an
    /// instance that was paused (SIGSTOP, a long GC-like stall) from applying what another instance now holds.
    public var deliveryLease: Duration = .seconds(10)
    /// An upstream with no connection this long (a wrong endpoint, a producer down) is logged as a warning
    /// (``UpstreamWatch``).
    public var unreachableWarning: Duration = .seconds(30)
    /// How long applied message ids are remembered: a redelivery older than this would be applied again. Far longer
    /// than any redelivery (seconds to minutes); pruning keeps the inbox from growing without bound.
    public var inboxRetention: Duration = .seconds(7 * 24 * 3600)

    public init(group: String, consumerID: String, keyPair: CurveKeyPair, upstreams: [Upstream], linger: Duration = .milliseconds(2)) {
        self.linger = linger
        self.group = group
        self.consumerID = consumerID
        self.keyPair = keyPair
        self.upstreams = upstreams
    }
}
