import Metrics
import Synchronization

/// Group commit: many writers' small transactions share one database transaction — one fsync — instead of paying
/// one each. A write that finds the store idle starts at once (a lone write is not delayed); writes that arrive
/// while a commit runs form the next one. Each write runs in its own savepoint, so one that throws fails alone.
public actor GroupCommit {
    private let store: any Store
    private let maxBatch: Int
    private var pending: [Item] = []
    private var running = false
    private var counts = (commits: 0, writes: 0)
    private let batchSize: Recorder?

    /// How many transactions ran, and how many writes they carried.
    public var statistics: (commits: Int, writes: Int) { counts }

    /// With a `name`, each commit's number of writes is recorded as `iblagh_group_commit_size{writer=name}`.
    public init(store: any Store, maxBatch: Int = 2000, name: String? = nil) {
        self.store = store
        self.maxBatch = maxBatch
        self.batchSize = name.map { Recorder(label: "iblagh_group_commit_size", dimensions: [("writer", $0)]) }
    }

    /// Runs `work` in the next shared transaction and returns its result once that transaction is committed.
    public func write<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let outcome = Mutex<Result<T, Error>?>(nil)
            pending.append(Item(
                run: { transaction in
                    let result = try transaction.separately { try work(transaction) }
                    outcome.withLock { $0 = result }
                },
                complete: { commitError in
                    if let commitError { return continuation.resume(throwing: commitError) }
                    continuation.resume(with: outcome.withLock { $0 } ?? .failure(StoreError("write did not run")))
                }))
            startIfIdle()
        }
    }

    private func startIfIdle() {
        guard !running, !pending.isEmpty else { return }
        let batch = Array(pending.prefix(maxBatch))
        pending.removeFirst(batch.count)
        running = true
        Task {
            do {
                try await store.write { transaction in
                    for item in batch { try item.run(transaction) }
                }
                for item in batch { item.complete(nil) }
            } catch {
                for item in batch { item.complete(error) }
            }
            counts.commits += 1
            counts.writes += batch.count
            batchSize?.record(batch.count)
            running = false
            startIfIdle()
        }
    }

    private struct Item: Sendable {
        let run: @Sendable (any StoreTransaction) throws -> Void
        let complete: @Sendable (Error?) -> Void
    }
}
