import Synchronization
import ZeroMQ

/// A token bucket per client: `burst` requests at once, refilled at `perMinute`. A client over its limit gets a
/// 429 with the seconds until its next token. Buckets of clients gone quiet are forgotten, so memory stays bounded.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perMinute: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])
    private let maximumClients = 100_000

    init(perMinute: Int, burst: Int) {
        self.perMinute = Double(perMinute)
        self.burst = Double(burst)
    }

    /// Takes one token for `client`; returns nil when allowed, else the seconds to wait.
    func take(_ client: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            if buckets.count >= maximumClients {
                // Full buckets carry no information: drop them first.
                buckets = buckets.filter { refilled($0.value, now) < burst }
            }
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = refilled(bucket, now)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[client] = bucket
                return max(1, Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up)))
            }
            bucket.tokens -= 1
            buckets[client] = bucket
            return nil
        }
    }

    private func refilled(_ bucket: Bucket, _ now: ContinuousClock.Instant) -> Double {
        let elapsed = now - bucket.updated
        return min(burst, bucket.tokens + elapsed.inSeconds * perMinute / 60)
    }
}
