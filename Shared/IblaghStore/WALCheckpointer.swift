import Foundation
import GRDBSQLite
import Logging
import Metrics

/// Moves a WAL database's committed pages into the database file from a connection of its own, so that no commit
/// has to, and keeps the WAL from growing without end.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold and copies megabytes there, which
/// was the whole p99 of intake's durable acknowledgement (11 ms at 1,000 reports/s with it). Here each round is a
/// passive checkpoint, which never waits for the writer and never blocks it, every 100 ms. SQLite starts the WAL over
/// only when a write transaction begins with every frame already copied, which a writer committing every few
/// milliseconds rarely finds after a round 100 ms apart; so once the WAL passes ``soonFrames`` rounds come every
/// 10 ms, each copying only what the last commits wrote, until a write transaction finds it all copied. A writer
/// committing back to back never leaves such a moment: once the WAL passes ``restartFrames`` a round ends with a
/// restarting checkpoint, which copies the few frames written since the passive one while holding new writers back
/// (about a millisecond), and the next write transaction starts the WAL from its beginning (the writer truncates it
/// to `journal_size_limit`). Each round that copies costs two fsyncs (the WAL's, the database's): rounds every 10 ms
/// only while the WAL is long keep that to about ten a second for a service in steady use.
///
/// `iblagh_store_wal_bytes{store}` shows what the WAL holds after each round; a WAL past four times ``restartFrames``
/// is logged once as a warning: something holds a read open on the database, and nothing can be started over.
/// Every few seconds it also measures the free space of the store's file system (``FreeSpace``).
final class WALCheckpointer: @unchecked Sendable {
    // @unchecked: `connection`, `warned` and `freeSpace` are used only by the checkpointing thread, which closes the
    // connection when it ends.
    private let connection: OpaquePointer
    private let file: String
    private let walBytes: Gauge
    private let pageSize: Int
    private let logger = Logger(label: "iblagh.store")
    private var warned = false
    private var freeSpace: FreeSpace
    private let interval: TimeInterval
    private let soonInterval: TimeInterval
    private let soonFrames: Int32
    private let restartFrames: Int32
    private let stopped = NSCondition()
    private var stopping = false

    /// Opens its own connection to `path`; nil when it cannot (the caller then keeps SQLite's own checkpoints).
    /// Lengths of the WAL in pages: past `soonFrames` (4 MiB of 4-KiB pages) rounds come every `soonInterval`, past
    /// `restartFrames` (64 MiB) a round restarts it.
    init?(path: String, interval: TimeInterval = 0.1, soonInterval: TimeInterval = 0.01, soonFrames: Int32 = 1_024,
          restartFrames: Int32 = 16_384) {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else {
            if let handle { sqlite3_close(handle) }
            return nil
        }
        // A checkpoint syncs the WAL before copying and the database file before the WAL may be started over — unless
        // this connection's synchronous is OFF; FULL is the build's default, said here so it cannot change unseen.
        sqlite3_exec(handle, "PRAGMA synchronous = FULL", nil, nil, nil)
        connection = handle
        pageSize = Self.pageSize(handle)
        file = (path as NSString).lastPathComponent
        walBytes = Gauge(label: "iblagh_store_wal_bytes", dimensions: [("store", file)])
        freeSpace = FreeSpace(database: path)
        self.interval = interval
        self.soonInterval = soonInterval
        self.soonFrames = soonFrames
        self.restartFrames = restartFrames
        Thread { [self] in run() }.start()
    }

    private func run() {
        // Named for `top -H` and `perf` (Foundation's `Thread.name` does not reach the kernel on Linux).
        try? "wal-checkpoint".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        stopped.lock()
        while !stopping {
            stopped.unlock()
            let frames = round()
            report(frames)
            freeSpace.check(logger: logger)
            stopped.lock()
            if !stopping { _ = stopped.wait(until: Date().addingTimeInterval(frames >= soonFrames ? soonInterval : interval)) }
        }
        stopped.unlock()
        sqlite3_close(connection)
    }

    /// One round; the WAL's length in frames after it.
    private func round() -> Int32 {
        var result = checkpoint(SQLITE_CHECKPOINT_PASSIVE, waiting: 0)
        if result.frames < 0 {
            // SQLite (3.40) checkpoints nothing, and says so with a frame count of -1, on a connection that has not
            // opened the WAL yet — so every store ran with a WAL that only grew, to gigabytes in a benchmark. Any
            // read opens it.
            _ = sqlite3_exec(connection, "SELECT 1 FROM sqlite_master LIMIT 1", nil, nil, nil)
            result = checkpoint(SQLITE_CHECKPOINT_PASSIVE, waiting: 0)
        }
        // Busy (a write or a read still on the WAL past 20 ms) only means the next round tries again.
        guard result.frames >= restartFrames else { return result.frames }
        return checkpoint(SQLITE_CHECKPOINT_RESTART, waiting: 20).frames
    }

    /// The gauge, and the warning when the WAL cannot be started over (logged again only after it was).
    private func report(_ frames: Int32) {
        // Each frame is a page and a 24-byte header, after the WAL's 32-byte header.
        let bytes = frames > 0 ? 32 + Int(frames) * (pageSize + 24) : 0
        walBytes.record(bytes)
        if frames >= 4 * restartFrames, !warned {
            warned = true
            logger.warning("the WAL cannot be started over: a read transaction is held open on the database (a shell, a backup?)",
                           metadata: ["store": "\(file)", "wal_bytes": "\(bytes)"])
        } else if frames < restartFrames, warned {
            warned = false
            logger.info("the WAL was started over", metadata: ["store": "\(file)"])
        }
    }

    /// The database's page size (SQLite's default, 4,096, unless the file says otherwise).
    private static func pageSize(_ connection: OpaquePointer) -> Int {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(connection, "PRAGMA page_size", -1, &statement, nil) == SQLITE_OK,
            sqlite3_step(statement) == SQLITE_ROW
        else { return 4_096 }
        return Int(sqlite3_column_int(statement, 0))
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
