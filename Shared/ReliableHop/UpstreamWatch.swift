import Logging
import Metrics
import Synchronization
import ZeroMQ

/// Watches a consumer's connection to one upstream, so that what libzmq keeps quiet is said, and a refused
/// connection is tried again.
///
/// * **A refused handshake.** A producer whose allow-list lacks this consumer's certificate refuses the CURVE
///   handshake; one whose public key the consumer has wrong cannot read it. Either way libzmq ends that connection
///   for good and never connects again by itself: the consumer stayed silent and disconnected even after the operator
///   admitted its key and restarted the producer. Now each failure is logged as an error naming the upstream and the
///   likely cause, and the consumer connects again after 5 s, then after twice as long each time, up to a minute.
/// * **An upstream out of reach.** libzmq retries a connection that is refused or lost by itself, silently; a wrong
///   endpoint or a producer that is down looked like a quiet day. Now no connection for ``ConsumerConfiguration/
///   unreachableWarning`` (30 s) is a warning, repeated every ten times that while it lasts, and its end a notice.
/// * `iblagh_hop_upstream_connected{side="consumer",group,upstream}`: 1 while the handshake is done, else 0.
/// * ``refusal``: what the service's `/readyz` says while the last handshake was refused (a key no restart of the
///   consumer fixes: a rollout stops at the first instance it meets). An upstream merely out of reach leaves the
///   consumer ready: a producer's restart must not take every consumer out of service.
final class UpstreamWatch: Sendable {
    static let firstRetry: Duration = .seconds(5)
    static let longestRetry: Duration = .seconds(60)

    private struct State {
        var connected = false
        var since = ContinuousClock.now
        var warned = false
        var lastWarning = ContinuousClock.now
        /// Why the last handshake failed, until one succeeds.
        var refusal: String?
    }

    private let state = Mutex(State())
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// Starts watching `socket`, which must not be connected yet (so no event comes before the watch); call on
    /// `loop`. `reconnect` connects the socket to the upstream again, on the loop.
    init(
        _ socket: ZMQSocket, on loop: PollLoop, upstream: String, group: String, unreachableWarning: Duration, logger: Logger,
        refusals: Counter, reconnect: @escaping @Sendable () async -> Void
    ) throws {
        let events = try SocketMonitor.start(socket, on: loop, kinds: [.handshakeFailures, .handshakeSucceeded, .disconnected])
        let connected = Gauge(label: "iblagh_hop_upstream_connected", dimensions: [("side", "consumer"), ("group", group), ("upstream", upstream)])
        connected.record(0)
        let metadata: Logger.Metadata = ["upstream": "\(upstream)"]
        let watching = Task { [weak self] in
            var wait = Self.firstRetry
            var refused = false
            for await event in events {
                switch event.kind {
                case .handshakeSucceeded:
                    connected.record(1)
                    self?.state.withLock { $0.refusal = nil }
                    let wasWarned = self?.noteConnected() ?? false
                    if refused || wasWarned { logger.notice("upstream reachable, this consumer admitted", metadata: metadata) }
                    (refused, wait) = (false, Self.firstRetry)
                case .disconnected:
                    connected.record(0)
                    self?.noteDisconnected()
                default:
                    refused = true
                    refusals.increment()
                    let keyRefused = event.kind == .handshakeFailedAuth
                    self?.state.withLock {
                        $0.refusal = keyRefused ? "refused this consumer's key" : "failed the handshake (is its public key in the upstreams setting its own?)"
                    }
                    logger.error(
                        keyRefused
                            ? "upstream refused this consumer's key: is its public certificate in the upstream's allow-list, with a role naming group \(group)?"
                            : "handshake with the upstream failed: is the upstream's public certificate in this consumer's settings its own, and the endpoint its dispatch endpoint?",
                        metadata: metadata.merging(["event": "\(event)", "retry_seconds": "\(wait.components.seconds)"]) { $1 })
                    try? await Task.sleep(for: wait)
                    guard !Task.isCancelled else { return }
                    await reconnect()
                    wait = min(wait * 2, Self.longestRetry)
                }
            }
        }
        let checking = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: unreachableWarning / 3)
                guard let self else { return }  // its consumer is gone
                guard let away = warningDue(after: unreachableWarning) else { continue }
                logger.warning(
                    "no connection to the upstream: is its endpoint right, and is it running?",
                    metadata: metadata.merging(["seconds": "\(away.components.seconds)"]) { $1 })
            }
        }
        tasks.withLock { $0 = [watching, checking] }
    }

    /// Why the upstream does not admit this consumer (its last handshake failed), or nil.
    var refusal: String? { state.withLock { $0.refusal } }

    /// The handshake is done; returns whether a warning had said the upstream was out of reach.
    private func noteConnected() -> Bool {
        state.withLock { current in
            defer { (current.connected, current.warned) = (true, false) }
            return current.warned
        }
    }

    private func noteDisconnected() {
        state.withLock { ($0.connected, $0.since) = (false, .now) }
    }

    /// How long the upstream has been out of reach, when that deserves a warning now: past `after`, and the last
    /// warning ten times that long ago.
    private func warningDue(after: Duration) -> Duration? {
        state.withLock { current in
            let now = ContinuousClock.now
            guard !current.connected, now - current.since >= after, !current.warned || now - current.lastWarning >= after * 10 else { return nil }
            (current.warned, current.lastWarning) = (true, now)
            return now - current.since
        }
    }

    func cancel() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }
}
