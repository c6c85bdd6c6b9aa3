import Foundation
import GRDB

/// The embedded store: one SQLite file per service instance, in WAL mode with `synchronous=FULL`, so a commit is on
/// disk when `write` returns. Writes are serialized; reads run beside them on snapshots.
public final class SQLiteStore: Store {
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and applies `migrations` not yet applied.
    public init(path: String, migrations: [Migration]) throws {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(10)
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            for migration in migrations {
                migrator.registerMigration(migration.id) { db in
                    for statement in migration.statements { try db.execute(sql: statement) }
                }
            }
            try migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError("cannot open database \(path): \(error.message ?? "\(error.resultCode)")")
        } catch {
            throw StoreError("cannot open database \(path): \(error.localizedDescription)")
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await pool.write { db in try body(GRDBTransaction(db: db)) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await pool.read { db in try body(GRDBTransaction(db: db)) }
    }
}

/// A GRDB connection inside a transaction.
struct GRDBTransaction: StoreTransaction {
    let db: Database

    // Statements are compiled once per connection and reused: the hop runs the same few statements per message.
    func execute(_ sql: String, _ arguments: [StoreValue]) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments.map { $0.databaseValue }))
        return db.changesCount
    }

    func rows(_ sql: String, _ arguments: [StoreValue]) throws -> [StoreRow] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments.map { $0.databaseValue })).map { row in
            StoreRow(Dictionary(row.columnNames.enumerated().map { ($1, StoreValue(row[$0] as DatabaseValue)) },
                                uniquingKeysWith: { first, _ in first }))
        }
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        _ = try execute("SAVEPOINT store_savepoint", [])
        do {
            let result = try body()
            _ = try execute("RELEASE SAVEPOINT store_savepoint", [])
            return result
        } catch {
            _ = try execute("ROLLBACK TO SAVEPOINT store_savepoint", [])
            _ = try execute("RELEASE SAVEPOINT store_savepoint", [])
            throw error
        }
    }
}

extension StoreValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .real(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let value): Data(value).databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let value): self = .integer(value)
        case .double(let value): self = .real(value)
        case .string(let value): self = .text(value)
        case .blob(let value): self = .blob([UInt8](value))
        }
    }
}
