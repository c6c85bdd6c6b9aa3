import Logging
import Metrics
import ZeroMQ

/// Watches a consumer's connection to one upstream for a handshake the upstream refused, and connects again.
///
/// A producer whose allow-list lacks this consumer's certificate refuses the CURVE handshake; one whose public key the
/// consumer has wrong cannot read it. Either way libzmq ends that connection for good: it never connects again by
/// itself. Without this watch the consumer stayed silent and disconnected even after the operator admitted its key
/// and restarted the producer. Now each failure is logged as an error naming the upstream and the likely cause; the
/// consumer connects again after 5 s, then after twice as long each time, up to a minute, and says so when the
/// upstream admits it.
enum UpstreamAdmission {
    static let firstRetry: Duration = .seconds(5)
    static let longestRetry: Duration = .seconds(60)

    /// Starts watching `socket`, which must not be connected yet (so no refusal comes before the watch); call on
    /// `loop`. `reconnect` connects the socket to the upstream again, on the loop.
    static func watch(
        _ socket: ZMQSocket, on loop: PollLoop, upstream: String, group: String, logger: Logger, refusals: Counter,
        reconnect: @escaping @Sendable () async -> Void
    ) throws -> Task<Void, Never> {
        let events = try SocketMonitor.start(socket, on: loop, kinds: [.handshakeFailures, .handshakeSucceeded])
        return Task {
            var wait = firstRetry
            var refused = false
            for await event in events {
                if event.kind == .handshakeSucceeded {
                    if refused { logger.notice("upstream admitted this consumer", metadata: ["upstream": "\(upstream)"]) }
                    (refused, wait) = (false, firstRetry)
                    continue
                }
                refused = true
                refusals.increment()
                logger.error(
                    event.kind == .handshakeFailedAuth
                        ? "upstream refused this consumer's key: is its public certificate in the upstream's allow-list, with a role naming group \(group)?"
                        : "handshake with the upstream failed: is the upstream's public certificate in this consumer's settings its own, and the endpoint its dispatch endpoint?",
                    metadata: ["upstream": "\(upstream)", "event": "\(event)", "retry_seconds": "\(wait.components.seconds)"])
                try? await Task.sleep(for: wait)
                guard !Task.isCancelled else { return }
                await reconnect()
                wait = min(wait * 2, longestRetry)
            }
        }
    }
}
