import Foundation
import GRDBSQLite

/// Moves a WAL database's committed pages into the database file from a connection of its own, so that no commit
/// has to, and keeps the WAL from growing without end.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold and copies megabytes there, which
/// was the whole p99 of intake's durable acknowledgement (11 ms at 1,000 reports/s with it). Here each round is a
/// passive checkpoint, which never waits for the writer and never blocks it: every 10 ms while commits keep coming,
/// every 100 ms when there was nothing to copy. Copying soon after each commit is also what lets SQLite start the WAL
/// over — it does so only when a write transaction begins with every frame already copied. A writer committing back
/// to back never leaves such a moment, so once the WAL passes ``restartFrames`` a round ends with a restarting
/// checkpoint: it copies the few frames written since the passive one while holding new writers back, and the next
/// write transaction starts the WAL from its beginning (the writer truncates it to `journal_size_limit`).
final class WALCheckpointer: @unchecked Sendable {
    // @unchecked: `connection` and `lastFrames` are used only by the checkpointing thread, which closes the connection
    // when it ends.
    private let connection: OpaquePointer
    private let busyInterval: TimeInterval
    private let idleInterval: TimeInterval
    private let restartFrames: Int32
    private let stopped = NSCondition()
    private var stopping = false
    private var lastFrames: Int32 = 0  // the checkpointing thread's own

    /// Opens its own connection to `path`; nil when it cannot (the caller then keeps SQLite's own checkpoints).
    /// `restartFrames`: the WAL's length, in pages, past which a round restarts it (16,384 pages of 4 KiB: 64 MiB).
    init?(path: String, busyInterval: TimeInterval = 0.01, idleInterval: TimeInterval = 0.1, restartFrames: Int32 = 16_384) {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else {
            if let handle { sqlite3_close(handle) }
            return nil
        }
        connection = handle
        self.busyInterval = busyInterval
        self.idleInterval = idleInterval
        self.restartFrames = restartFrames
        let thread = Thread { [self] in run() }
        thread.name = "wal-checkpoint"
        thread.start()
    }

    private func run() {
        stopped.lock()
        while !stopping {
            stopped.unlock()
            let copied = round()
            stopped.lock()
            if !stopping { _ = stopped.wait(until: Date().addingTimeInterval(copied ? busyInterval : idleInterval)) }
        }
        stopped.unlock()
        sqlite3_close(connection)
    }

    /// One round; whether the WAL changed since the last one (commits keep coming).
    private func round() -> Bool {
        var result = checkpoint(SQLITE_CHECKPOINT_PASSIVE, waiting: 0)
        if result.frames < 0 {
            // SQLite (3.40) checkpoints nothing, and says so with a frame count of -1, on a connection that has not
            // opened the WAL yet — so every store ran with a WAL that only grew, to gigabytes in a benchmark. Any
            // read opens it.
            _ = sqlite3_exec(connection, "SELECT 1 FROM sqlite_master LIMIT 1", nil, nil, nil)
            result = checkpoint(SQLITE_CHECKPOINT_PASSIVE, waiting: 0)
        }
        // Busy (a write or a read still on the WAL past 20 ms) only means the next round tries again.
        if result.frames >= restartFrames { _ = checkpoint(SQLITE_CHECKPOINT_RESTART, waiting: 20) }
        defer { lastFrames = result.frames }
        return result.frames != lastFrames
    }

    /// One checkpoint of `mode`, waiting at most `milliseconds` for locks: the frames in the WAL and how many of them
    /// are in the database file (each -1 when this connection has no WAL open).
    private func checkpoint(_ mode: Int32, waiting milliseconds: Int32) -> (frames: Int32, copied: Int32) {
        sqlite3_busy_timeout(connection, milliseconds)
        var frames: Int32 = -1, copied: Int32 = -1
        _ = sqlite3_wal_checkpoint_v2(connection, nil, mode, &frames, &copied)
        return (frames, copied)
    }

    /// Ends the thread and closes its connection (the last connection to close folds the WAL in anyway).
    func stop() {
        stopped.lock()
        stopping = true
        stopped.signal()
        stopped.unlock()
    }
}
