import Foundation
import GRDB
import GRDBSQLite

/// The embedded store: one SQLite file per service instance, in WAL mode with `synchronous=FULL`, so a commit is on
/// disk when `write` returns. Writes are serialized; reads run beside them on snapshots. Checkpoints run beside
/// the writes too (``WALCheckpointer``), never inside a commit.
public final class SQLiteStore: Store {
    public let path: String
    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer?

    /// The SQLite this process runs with (`3.40.1`).
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    /// Opens (creating if needed) the database at `path` and applies `migrations` not yet applied.
    public init(path: String, migrations: [Migration]) throws {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // A savepoint's undo pages (the statement journal) in memory: in a file, SQLite created, wrote and
            // unlinked one in /var/tmp for every transaction with savepoints — each group commit and hop batch.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        // A connection that finds the database locked (by the checkpointer restarting the WAL, for about a
        // millisecond) tries again every 100 µs, for 10 s: SQLite's own timeout sleeps 1, 2, 5, 10 ms… between tries,
        // which turned a 1-ms wait into intake's p99.
        configuration.busyMode = .callback { tries in
            usleep(100)
            return tries < 100_000
        }
        // Two snapshot readers beside the writer: a service reads its outbox and answers a few queries at a time, and
        // each connection keeps its own page cache (up to 2 MiB) — GRDB's default of five cost memory, not speed.
        configuration.maximumReaderCount = 2
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB's pool switches its writer to `synchronous = NORMAL` when it turns WAL on, after `prepareDatabase`
            // ran: commits were then not synced, only the checkpoints. FULL again, on the one connection that commits.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            // Without migrations (an operator command reading a store) the schema is left as it is: GRDB's migrator
            // would add its own table even to a database that is no service's.
            if !migrations.isEmpty {
                var migrator = DatabaseMigrator()
                for migration in migrations {
                    migrator.registerMigration(migration.id) { db in
                        for statement in migration.statements { try db.execute(sql: statement) }
                    }
                }
                try migrator.migrate(pool)
            }
            checkpointer = WALCheckpointer(path: path)
            if checkpointer != nil {
                // The writer no longer checkpoints in its commits; after a checkpoint the WAL is reused from its
                // start and truncated to 64 MiB at most.
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                    try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
                }
            }
        } catch let error as DatabaseError {
            throw StoreError("cannot open database \(path): \(error.message ?? "\(error.resultCode)")")
        } catch {
            throw StoreError("cannot open database \(path): \(error.localizedDescription)")
        }
    }

    deinit {
        checkpointer?.stop()
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await translatingErrors { try await pool.write { db in try body(GRDBTransaction(db: db)) } }
    }

    /// `.deferred`: the transaction commits with `synchronous = NORMAL` (in WAL mode: appended to the WAL, not synced;
    /// WAL frames are replayed in order, so a crash keeps a prefix of the commits), and the writer is FULL again after.
    public func write<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        guard durability == .deferred else { return try await write(body) }
        return try await translatingErrors { try await pool.writeWithoutTransaction { db in try Self.deferred(db, body) } }
    }

    /// GRDB runs a synchronous write or read on the thread that asks, once the writer (a reader) is free.
    public var worksInPlace: Bool { true }

    public func readBlocking<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(GRDBTransaction(db: db)) }
        } catch let error as DatabaseError {
            throw storeError(error)
        }
    }

    public func writeBlocking<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) throws -> T {
        do {
            switch durability {
            case .synced: return try pool.write { db in try body(GRDBTransaction(db: db)) }
            case .deferred: return try pool.writeWithoutTransaction { db in try Self.deferred(db, body) }
            }
        } catch let error as DatabaseError {
            throw storeError(error)
        }
    }

    private static func deferred<T>(_ db: Database, _ body: (any StoreTransaction) throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        var value: T?
        // Rolled back when `body` throws, as `write` does.
        let committed = Result { try db.inTransaction { value = try body(GRDBTransaction(db: db)); return .commit } }
        // Back to FULL before anything else commits on this connection.
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try committed.get()
        guard let value else { throw StoreError("the transaction did not run") }
        return value
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await translatingErrors { try await pool.read { db in try body(GRDBTransaction(db: db)) } }
    }

    /// Runs `operation`, turning SQLite's errors into the store's.
    private func translatingErrors<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as DatabaseError {
            throw storeError(error)
        }
    }

    /// SQLite's error as the store's: the database, SQLite's message and the statement — never its arguments.
    private func storeError(_ error: DatabaseError) -> StoreError {
        if error.resultCode == .SQLITE_FULL {
            return StoreError("the disk holding \(path) is full; the transaction was rolled back", isOutOfSpace: true)
        }
        return StoreError("\(path): \(error.message ?? "\(error.resultCode)")" + (error.sql.map { " in: \($0)" } ?? ""))
    }
}

/// A GRDB connection inside a transaction.
///
/// The hop runs the same few statements for every message, so they are compiled once per connection (GRDB's
/// statement cache) and bound and stepped through SQLite's C API directly: GRDB's `StatementArguments` and `Row`
/// box every value, which cost the producer about a tenth of its time. Savepoints go through GRDB, which keeps
/// track of them.
struct GRDBTransaction: StoreTransaction {
    let db: Database

    func execute(_ sql: String, _ arguments: [StoreValue]) throws -> Int {
        let statement = try prepared(sql, arguments)
        defer { finish(statement) }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_DONE: return Int(sqlite3_changes(db.sqliteConnection))
            case SQLITE_ROW: continue
            case let code: throw failure(code, sql)
            }
        }
    }

    func rows(_ sql: String, _ arguments: [StoreValue]) throws -> [StoreRow] {
        let statement = try prepared(sql, arguments)
        defer { finish(statement) }
        let count = sqlite3_column_count(statement)
        let columns = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [StoreRow] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_DONE: return rows
            case SQLITE_ROW: rows.append(StoreRow(columns: columns, values: (0..<count).map { column(statement, $0) }))
            case let code: throw failure(code, sql)
            }
        }
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT store_savepoint").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT store_savepoint").execute()
            return result
        } catch {
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT store_savepoint").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT store_savepoint").execute()
            throw error
        }
    }

    private func prepared(_ sql: String, _ arguments: [StoreValue]) throws -> OpaquePointer {
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(statement)
        guard sqlite3_bind_parameter_count(statement) == Int32(arguments.count) else {
            throw StoreError("\(arguments.count) arguments for \(sqlite3_bind_parameter_count(statement)) placeholders in: \(sql)")
        }
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 =
                switch value {
                case .null: sqlite3_bind_null(statement, index)
                case .integer(let value): sqlite3_bind_int64(statement, index, value)
                case .real(let value): sqlite3_bind_double(statement, index, value)
                case .text(var value):
                    value.withUTF8 { sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), transient) }
                case .blob(let value) where value.isEmpty: sqlite3_bind_zeroblob(statement, index, 0)
                case .blob(let value):
                    value.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
                }
            guard code == SQLITE_OK else { throw failure(code, sql) }
        }
        return statement
    }

    private func finish(_ statement: OpaquePointer) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> StoreValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let bytes = sqlite3_column_text(statement, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private func failure(_ code: Int32, _ sql: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
    }
}

/// SQLite copies bound text and blobs before the bind call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
