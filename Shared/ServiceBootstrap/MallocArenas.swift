import CMalloc

/// glibc's allocator gives each thread that allocates its own arena, up to eight per core, and each arena keeps the
/// memory it freed for itself: a service's dozen threads (ZeroMQ's I/O thread, the poll loops, the cooperative pool,
/// GRDB's queues, the checkpointer) held fourteen arenas in intake, and under load each grew its own free memory.
/// With two, the tracker at 1,000 reports/s held 54.1 MiB instead of 59.9 and a notifier 57.1 instead of 61.3
/// (`Benchmarks/pipeline.sh 60 1000`; intake's own figure there depends on how many requests it holds — see
/// `SubmissionEndpoint`). Two arenas are enough for two cores: the services' threads mostly wait.
public enum MallocArenas {
    /// The arenas a service allows itself when the operator has not said (`MALLOC_ARENA_MAX`, which glibc reads itself).
    public static let defaultLimit: Int32 = 2

    /// Limits the arenas to `defaultLimit` unless `MALLOC_ARENA_MAX` is set; call first in `main`, before threads start
    /// (arenas made before stay). Returns the limit applied, nil when the environment's stands.
    @discardableResult
    public static func limit(environment: [String: String]) -> Int32? {
        guard environment["MALLOC_ARENA_MAX"] == nil else { return nil }
        guard mallopt(M_ARENA_MAX, defaultLimit) == 1 else { return nil }
        return defaultLimit
    }
}
