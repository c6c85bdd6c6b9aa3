import ZeroMQ

/// How much a consumer grants each producer: no more than it can commit well within its delivery lease.
///
/// A delivery not committed within the lease is dropped unapplied, and its producer gives it out again only at its
/// redelivery timeout (a minute). A consumer that takes a fixed 1,000 from each producer but commits slowly — a slow
/// disk, a database losing serialization conflicts to another instance — would drop most of what it holds, again
/// and again, and leave it idle for most of each minute. So the window follows the commit rate it measures: half a
/// lease's worth of commits, shared between the producers, never above the configured credit and never below a
/// floor that keeps a batch worth committing. It starts small and opens after the first commit, as TCP's slow start
/// does; a consumer that keeps up is back at the configured credit after one batch.
struct CreditWindow {
    /// The configured credit: the window never grows past it.
    let limit: UInt32
    let lease: Duration
    let upstreams: Int
    /// Commits per second, smoothed over the last batches; nil until the first commit.
    private(set) var rate: Double?

    static let floor: UInt32 = 10
    static let start: UInt32 = 100

    init(limit: UInt32, lease: Duration, upstreams: Int) {
        self.limit = limit
        self.lease = lease
        self.upstreams = max(1, upstreams)
    }

    /// What to grant each producer now.
    var credit: UInt32 {
        guard let rate else { return min(limit, Self.start) }
        let share = rate * lease.inSeconds / 2 / Double(upstreams)
        return max(min(limit, Self.floor), UInt32(min(Double(limit), share.rounded(.down))))
    }

    /// `count` deliveries committed in one transaction that took `duration`.
    mutating func committed(_ count: Int, in duration: Duration) {
        let measured = Double(count) / max(1e-4, duration.inSeconds)
        rate = rate.map { 0.7 * $0 + 0.3 * measured } ?? measured
    }
}
