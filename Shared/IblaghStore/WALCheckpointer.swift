import Foundation
import GRDBSQLite

/// Moves a WAL database's committed pages into the database file from a connection of its own, a few times a
/// second, so that no commit has to: SQLite's automatic checkpoint runs inside the commit that crosses its threshold
/// and copies megabytes there, which was the whole p99 of intake's durable acknowledgement (11 ms at 1,000
/// reports/s with it, 4 ms without). A passive checkpoint never waits for the writer and never blocks it.
final class WALCheckpointer: @unchecked Sendable {
    // @unchecked: `connection` is used only by the checkpointing thread, and closed by it when it ends.
    private let connection: OpaquePointer
    private let interval: TimeInterval
    private let stopped = NSCondition()
    private var stopping = false

    /// Opens its own connection to `path`; nil when it cannot (the caller then keeps SQLite's own checkpoints).
    init?(path: String, interval: TimeInterval = 0.1) {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else {
            if let handle { sqlite3_close(handle) }
            return nil
        }
        sqlite3_busy_timeout(handle, 0)
        connection = handle
        self.interval = interval
        let thread = Thread { [self] in run() }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    private func run() {
        stopped.lock()
        while !stopping {
            stopped.unlock()
            var frames: Int32 = 0, copied: Int32 = 0
            // SQLITE_BUSY only means another checkpoint is running; the next round catches up.
            _ = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied)
            stopped.lock()
            if !stopping { _ = stopped.wait(until: Date().addingTimeInterval(interval)) }
        }
        stopped.unlock()
        sqlite3_close(connection)
    }

    /// Ends the thread and closes its connection (the last connection to close folds the WAL in anyway).
    func stop() {
        stopped.lock()
        stopping = true
        stopped.signal()
        stopped.unlock()
    }
}
