import CLibPQ
import Foundation
import Metrics
import Synchronization

/// The server store: a PostgreSQL database, shared by one or several instances of a service.
///
/// Every write runs at `SERIALIZABLE` isolation, so instances sharing the database see the same one-writer-at-a-time
/// history SQLite gives a single instance. Writes also take turns, as SQLite's do: each waits for the database's
/// writer lock (a session advisory lock) *before* it begins. Almost every write of a service takes the outbox's
/// lock or appends to a shared chain, so writes that overlapped could not both commit anyway: two tracker instances
/// sharing a case file lost 12,889 serialization conflicts in one test run of 25,000 transactions, each rolled back,
/// slept on and run again, because a transaction that waited for the outbox's lock inside its transaction went on
/// from a snapshot older than the commit it had waited for. A transaction that still loses a conflict (SQLSTATE
/// 40001, 40P01) is rolled back and run again, and so is one whose connection died before its `COMMIT` was sent
/// (after a server restart the connection is opened again). A commit returns once PostgreSQL has flushed it
/// (`synchronous_commit` on). A connection lost *during* `COMMIT` is an error: the outcome is unknown, and the
/// caller's idempotency (inbox ids, report keys, command ids) makes its retry safe.
public final class PostgresStore: Store {
    /// The database's address without its password, for messages.
    public let location: String
    private let pool: PostgresPool
    private let retries = Atomic<Int>(0)
    /// `iblagh_store_retries_total{reason}`: transactions run again after a lost conflict or a lost connection.
    private static let conflictRetries = Counter(label: "iblagh_store_retries_total", dimensions: [("reason", "conflict")])
    private static let connectionRetries = Counter(label: "iblagh_store_retries_total", dimensions: [("reason", "connection")])

    /// How many transactions this store ran again, after a lost conflict or a lost connection, since it opened.
    public var retried: Int { retries.load(ordering: .relaxed) }

    /// How many times a write is run again after a conflict or a lost connection before it fails.
    static let attempts = 60

    /// Connects to `url` (`postgresql://user@host:port/database`, libpq's URI form) and applies `migrations` not
    /// yet applied — once, even when several instances start together.
    public init(url: String, migrations: [Migration], connections: Int = 4) throws {
        location = Self.redacted(url)
        pool = PostgresPool(conninfo: url, redacted: location, size: max(2, connections))
        let first = pool.connectionForSetup()
        do {
            try first.connect()
            try Self.migrate(migrations, on: first)
        } catch let error as PostgresError {
            throw StoreError("cannot open database \(location): \(error.message)")
        }
        pool.release(first)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await run("BEGIN ISOLATION LEVEL SERIALIZABLE", writes: true, body)
    }

    /// `.deferred`: `synchronous_commit = off` for this transaction — PostgreSQL's asynchronous commit, which may lose
    /// the last transactions in a server crash but never a part of one, nor one committed before.
    public func write<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        guard durability == .deferred else { return try await write(body) }
        return try await run("BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL synchronous_commit = off", writes: true, body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writes: false, body)
    }

    public func lead(_ name: String) async -> Bool {
        await pool.lead(name)
    }

    private func run<T: Sendable>(
        _ begin: String, writes: Bool, _ body: @escaping @Sendable (any StoreTransaction) throws -> T
    ) async throws -> T {
        let connection = await pool.acquire()
        defer { pool.release(connection) }
        let location = location
        return try await connection.run { [self] in
            var attempt = 0
            while true {
                attempt += 1
                do {
                    return try Self.transaction(begin, writes: writes, body, on: connection)
                } catch let error as PostgresError {
                    switch error.kind {
                    case .conflict where attempt < Self.attempts, .connection where attempt < Self.attempts:
                        // Lost a conflict, or the server went away before the commit: nothing was committed.
                        self.retries.add(1, ordering: .relaxed)
                        (error.kind == .conflict ? Self.conflictRetries : Self.connectionRetries).increment()
                        Thread.sleep(forTimeInterval: Self.backoff(attempt))
                    case .outOfSpace:
                        throw StoreError("the disk of \(location) is full; the transaction was rolled back", isOutOfSpace: true)
                    default:
                        throw StoreError(error.message)
                    }
                } catch let error as CommitOutcomeUnknown {
                    throw StoreError("the connection to \(location) was lost during COMMIT: \(error.reason)")
                }
            }
        }
    }

    private struct CommitOutcomeUnknown: Error {
        let reason: String
    }

    /// The writer lock's statements: a session lock, so it is held from before the transaction's snapshot until
    /// after its end, and released with the session should the connection die.
    static let takeWriterLock = "SELECT pg_advisory_lock(hashtext('iblagh.writer'))"
    static let releaseWriterLock = "SELECT pg_advisory_unlock(hashtext('iblagh.writer'))"

    private static func transaction<T>(
        _ begin: String, writes: Bool, _ body: (any StoreTransaction) throws -> T, on connection: PostgresConnection
    ) throws -> T {
        try connection.connect()
        // A write's turn, released whatever happens: unlocking a lock not held only returns false; a session that
        // cannot release it is ended, so no instance waits for it for ever. The lock is a statement of its own: sent
        // with BEGIN in one query string, it would run in the transaction BEGIN then starts, before the isolation
        // level is set (which PostgreSQL refuses).
        defer {
            if writes, connection.isConnected, (try? connection.command(releaseWriterLock)) == nil { connection.disconnect() }
        }
        if writes { try connection.command(takeWriterLock) }
        try connection.command(begin)
        let result: T
        do {
            result = try body(PostgresTransaction(connection: connection))
        } catch {
            if connection.isConnected { try? connection.command("ROLLBACK") }
            throw error
        }
        do {
            try connection.commit()
        } catch let error as PostgresError where error.kind == .connection {
            throw CommitOutcomeUnknown(reason: error.message)
        } catch {
            if connection.isConnected { try? connection.command("ROLLBACK") }
            throw error
        }
        return result
    }

    /// 2, 4, 8… ms with jitter, at most half a second: racing instances spread out, a restarting server gets time.
    private static func backoff(_ attempt: Int) -> TimeInterval {
        let base = min(0.5, 0.001 * Double(1 << min(attempt, 9)))
        return base * Double.random(in: 0.5...1.0)
    }

    /// Migrations in one transaction under an advisory lock: instances starting together apply each one once.
    private static func migrate(_ migrations: [Migration], on connection: PostgresConnection) throws {
        try connection.command("BEGIN")
        do {
            try connection.command("SELECT pg_advisory_xact_lock(hashtext('iblagh.migrations'))")
            try connection.command("CREATE TABLE IF NOT EXISTS store_migration (id TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
            let applied = Set(try connection.execute("SELECT id FROM store_migration", [], wantRows: true).rows.compactMap { $0.text("id") })
            for migration in migrations where !applied.contains(migration.id) {
                for statement in migration.statements { try connection.command(PostgresDialect.schema(statement)) }
                _ = try connection.execute(
                    "INSERT INTO store_migration (id, applied_at) VALUES (?, ?)",
                    [.text(migration.id), .real(Date().timeIntervalSince1970)], wantRows: false)
            }
            try connection.command("COMMIT")
        } catch {
            if connection.isConnected { try? connection.command("ROLLBACK") }
            throw error
        }
    }

    /// `postgresql://user:secret@host/db` → `postgresql://user@host/db`.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + String(url[at...])
    }
}

/// A PostgreSQL transaction: the store's portable SQL (its `?` placeholders become `$n` when first prepared).
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection

    func execute(_ sql: String, _ arguments: [StoreValue]) throws -> Int {
        try connection.execute(sql, arguments, wantRows: false).changed
    }

    func rows(_ sql: String, _ arguments: [StoreValue]) throws -> [StoreRow] {
        try connection.execute(sql, arguments, wantRows: true).rows
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        try connection.command("SAVEPOINT store_savepoint")
        do {
            let result = try body()
            try connection.command("RELEASE SAVEPOINT store_savepoint")
            return result
        } catch where PostgresError.abortsTransaction(error) {
            throw error  // the whole transaction is lost; the store runs it again
        } catch {
            try connection.command("ROLLBACK TO SAVEPOINT store_savepoint")
            try connection.command("RELEASE SAVEPOINT store_savepoint")
            throw error
        }
    }

    func lock(_ name: String) throws {
        _ = try connection.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [.text(name)], wantRows: true)
    }
}
