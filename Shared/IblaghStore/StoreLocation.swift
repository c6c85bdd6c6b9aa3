import Foundation

/// Where a service keeps its store, as its `database` setting says: a file path (SQLite, the embedded default) or a
/// `postgresql://` URL (a PostgreSQL server, which several instances may share).
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ setting: String) {
        if setting.hasPrefix("postgresql://") || setting.hasPrefix("postgres://") {
            self = .postgres(url: setting)
        } else {
            self = .sqlite(path: setting)
        }
    }

    /// Opens the store and applies the migrations it has not applied yet.
    public func open(migrations: [Migration]) throws -> any Store {
        switch self {
        case .sqlite(let path): try SQLiteStore(path: path, migrations: migrations)
        case .postgres(let url): try PostgresStore(url: url, migrations: migrations)
        }
    }

    /// Opens a store that must exist already (the operator's commands): a missing SQLite file is an error instead of
    /// a new empty database.
    public func openExisting(migrations: [Migration] = []) throws -> any Store {
        if case .sqlite(let path) = self, !FileManager.default.fileExists(atPath: path) {
            throw StoreError("no database at \(path)")
        }
        return try open(migrations: migrations)
    }

    /// Opens an existing store of the service that keeps table `marker` (`tracker_history`: a tracker's), its schema
    /// untouched. An operator command pointed at another service's store says so before its first query, where it
    /// failed with `no such table` and the SQL, or, opening with the service's migrations, added its tables there.
    public func openExisting(holding marker: String, of service: String) async throws -> any Store {
        let store = try openExisting()
        let query = switch self {
        case .sqlite: "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?"
        case .postgres: "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
        }
        guard try await store.read({ try $0.rows(query, [.text(marker)]).first?.integer("n") ?? 0 }) > 0 else {
            throw StoreError("\(description) is not \(service)'s store: it has no \(marker) table")
        }
        return store
    }

    /// The location as a `database` setting (or an operator command's `--db`) names it.
    public var setting: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    /// The location for messages: a URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): PostgresStore.redacted(url)
        }
    }
}
