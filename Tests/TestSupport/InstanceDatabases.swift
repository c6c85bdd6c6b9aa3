import Foundation

/// Where each service instance of one test keeps its store: a file in the test's folder, or — on PostgreSQL — a
/// database of its own on the tests' shared server (or on the test's own server, for a test that restarts it), made
/// on first use.
public final class InstanceDatabases: @unchecked Sendable {
    // @unchecked: used by the one test that made it, from its own task.
    public let store: StoreKind
    private let directory: String
    private let server: PostgresServer?
    private var locations: [String: String] = [:]

    /// `server`: a PostgreSQL server of the test's own (implies PostgreSQL).
    public init(directory: String, store: StoreKind, server: PostgresServer? = nil) {
        self.directory = directory
        self.store = server == nil ? store : .postgres
        self.server = server
    }

    /// Instance `name`'s location, made on first use.
    public func location(_ name: String) async throws -> String {
        if let known = locations[name] { return known }
        let location = store == .postgres
            ? try await PostgresServer.server(or: server).createDatabase(name) : "\(directory)/\(name).db"
        locations[name] = location
        return location
    }

    /// The location of `name` as far as it is known: what ``location(_:)`` made or ``place(_:at:)`` set, else the
    /// file a SQLite instance of that name uses.
    public func known(_ name: String) -> String {
        locations[name] ?? "\(directory)/\(name).db"
    }

    /// Puts instance `name`'s store at `location`: on a small file system, or in another instance's shared database.
    public func place(_ name: String, at location: String) {
        locations[name] = location
    }
}
