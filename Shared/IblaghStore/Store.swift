import Dispatch
import Synchronization

/// A service's durable store: transactions of portable SQL, committed with fsync before `write` returns.
///
/// Services and the reliable hop talk to this protocol only, so SQLite (``SQLiteStore``, the embedded default) and a
/// PostgreSQL implementation are interchangeable. SQL uses `?` placeholders and the common subset of both dialects.
public protocol Store: Sendable {
    /// Runs `body` in one transaction; commits (durably) when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` in one transaction committed with `durability`; ``write(_:)`` is `.synced`.
    func write<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` in one transaction committed with `durability`, on the calling thread, which waits for the commit:
    /// for a thread that owns its work, like a ``PollLoop`` serving requests in batches, where handing a write to
    /// another thread and back costs more than the write. Never call it from Swift's cooperative pool.
    func writeBlocking<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) throws -> T
    /// Runs `body` on a consistent snapshot, on the calling thread, which waits: see ``writeBlocking(durability:_:)``.
    func readBlocking<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) throws -> T
    /// Whether ``writeBlocking(durability:_:)`` and ``readBlocking(_:)`` run on the calling thread (SQLite), rather
    /// than wait for another thread to run them — which saves the caller no hand-off, and holds its thread for as long
    /// as a conflict's retries take (PostgreSQL).
    var worksInPlace: Bool { get }
    /// Runs `body` on a consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Whether this process is the one, among the instances sharing this store, that does the work named `name`
    /// (e.g. dispatching the shared outbox); taken when free, lost when the process dies. A store only one process
    /// opens (SQLite) always answers true.
    func lead(_ name: String) async -> Bool
}

extension Store {
    public func lead(_ name: String) async -> Bool { true }

    public var worksInPlace: Bool { false }

    /// Every write synced: what a store that cannot defer does.
    public func write<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await write(body)
    }

    /// The async write, waited for: what a store whose connections are not the caller's to use on its own thread does.
    public func writeBlocking<T: Sendable>(durability: Durability, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) throws -> T {
        try Self.waiting { try await write(durability: durability, body) }
    }

    /// The async read, waited for.
    public func readBlocking<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) throws -> T {
        try Self.waiting { try await read(body) }
    }

    private static func waiting<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let value = try await operation()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0 ?? .failure(StoreError("the transaction did not run")) }.get()
    }
}

extension StoreTransaction {
    /// Runs `work` in a savepoint of its own, so that one of many writes sharing this transaction fails alone: its
    /// changes undone, its error returned. An error that aborts the whole transaction (a PostgreSQL conflict or lost
    /// connection) is thrown instead, and the store runs the transaction again.
    public func separately<T>(_ work: () throws -> T) throws -> Result<T, Error> {
        let result = Result { try savepoint(work) }
        if case .failure(let error) = result, PostgresError.abortsTransaction(error) { throw error }
        return result
    }
}

/// When a commit is on disk.
public enum Durability: Sendable {
    /// When `write` returns (fsync; PostgreSQL's WAL flush): what anything acknowledged to anyone needs.
    case synced
    /// Soon after: a crash may lose the transaction — whole, with every one committed after it, never with one
    /// committed before it — and the next synced commit takes it to disk too. For bookkeeping that is safe to lose and
    /// redo (the dispatcher's cursors, prunes): it costs no fsync of its own, which at a few hundred messages a second
    /// was a second fsync per message on every hop.
    case deferred
}

/// The inside of one transaction.
public protocol StoreTransaction {
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [StoreValue]) throws -> Int
    /// Runs a query.
    func rows(_ sql: String, _ arguments: [StoreValue]) throws -> [StoreRow]
    /// Runs `body` in a savepoint: when it throws, only its own changes are undone and the error is rethrown.
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// Holds the lock `name` until the transaction ends: transactions taking the same lock commit one after the
    /// other, in the order they took it. SQLite's writes are one at a time already.
    func lock(_ name: String) throws
}

extension StoreTransaction {
    public func lock(_ name: String) throws {}
}

extension StoreTransaction {
    @discardableResult
    public func execute(_ sql: String, _ arguments: StoreValue...) throws -> Int {
        try execute(sql, arguments)
    }

    public func rows(_ sql: String, _ arguments: StoreValue...) throws -> [StoreRow] {
        try rows(sql, arguments)
    }
}

/// A value bound to or read from SQL.
public enum StoreValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(_ value: Int) { self = .integer(Int64(value)) }
}

/// One row of a query result, by column name.
public struct StoreRow: Sendable {
    /// The query's column names (one array shared by all its rows) and this row's values in the same order.
    public let columns: [String]
    public let values: [StoreValue]

    public init(columns: [String], values: [StoreValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of `column` (`.null` when the query has no such column). A linear search: rows have few columns,
    /// and this costs less than hashing a dictionary per row.
    public subscript(_ column: String) -> StoreValue {
        columns.firstIndex(of: column).map { values[$0] } ?? .null
    }

    public func integer(_ column: String) -> Int64? {
        if case .integer(let value) = self[column] { return value }
        return nil
    }

    public func text(_ column: String) -> String? {
        if case .text(let value) = self[column] { return value }
        return nil
    }

    public func blob(_ column: String) -> [UInt8]? {
        switch self[column] {
        case .blob(let value): value
        case .text(let value): Array(value.utf8)
        default: nil
        }
    }

    public func real(_ column: String) -> Double? {
        switch self[column] {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
}

/// A named, ordered schema change; applied once per database, in the order given.
public struct Migration: Sendable {
    public let id: String
    public let statements: [String]

    public init(_ id: String, _ statements: [String]) {
        self.id = id
        self.statements = statements
    }
}

/// A store failure, naming the database and what failed (never the data).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The disk (or the database's quota) is full: the transaction was rolled back, nothing of it is stored, and the
    /// same write can succeed once space returns. Services refuse new work with "try again later" instead of failing.
    public let isOutOfSpace: Bool

    public init(_ message: String, isOutOfSpace: Bool = false) {
        self.message = message
        self.isOutOfSpace = isOutOfSpace
    }

    public var description: String { message }

    /// Whether `error` says the store is out of space.
    public static func isOutOfSpace(_ error: any Error) -> Bool {
        (error as? StoreError)?.isOutOfSpace == true
    }
}
