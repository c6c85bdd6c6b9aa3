import ZeroMQ

/// How a producer's dispatch endpoint runs.
public struct DispatcherConfiguration: Sendable {
    /// Where to bind, e.g. `tcp://0.0.0.0:7102`.
    public var endpoint: String
    /// The producer instance's key pair (consumers know its public key).
    public var keyPair: CurveKeyPair
    /// The consumers' keys; each key's role is its consumer group (`router`, `tracker`, ...).
    public var consumers: AllowList
    /// A live consumer that holds a message this long without acknowledging it loses it to another instance.
    public var redeliveryTimeout: Duration = .seconds(60)
    /// A consumer silent (no CREDIT) this long is absent: it gets nothing new.
    public var heartbeatTimeout: Duration = .seconds(3)
    /// An absent consumer's unacknowledged messages go to another instance after this long. Until then they wait
    /// for it: a consumer that restarts finds its own messages again, and applies none twice.
    public var failoverTimeout: Duration = .seconds(20)
    /// After a (re)start, how long the producer only listens — collecting the ACKs consumers replay for what they
    /// applied just before the restart — before it delivers again. Longer than the consumers' heartbeat interval.
    public var recoveryPeriod: Duration = .seconds(3)
    /// Rows other processes add to the outbox (an operator's replay) are noticed within this.
    public var pollInterval: Duration = .seconds(1)
    /// Messages read from the outbox per query.
    public var loadBatch = 2000
    /// The largest frame a consumer may send (ACK/NACK/CREDIT are small).
    public var maxMessageSize: Int64 = 1 << 20

    public init(endpoint: String, keyPair: CurveKeyPair, consumers: AllowList) {
        self.endpoint = endpoint
        self.keyPair = keyPair
        self.consumers = consumers
    }

    /// The consumer groups this endpoint serves: the groups its allow-list's roles name.
    public var groups: Set<String> { Set(consumers.roles.values.flatMap(Self.groups(of:))) }

    /// The groups a role may consume as: a role is a group (`tracker`) or several, comma-separated
    /// (`notifier:04,notifier:06` for a notifier serving two regions).
    public static func groups(of role: String) -> [String] {
        role.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
