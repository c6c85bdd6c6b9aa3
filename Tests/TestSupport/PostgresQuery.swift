import CLibPQ
import Foundation

/// Runs SQL on a test's PostgreSQL databases behind the services' backs, over a few connections kept open.
///
/// Tests poll their databases many times a second. Spawning `psql` for each poll (Debian's Perl wrapper, then psql,
/// then a fresh server backend) took a tenth of the whole suite's CPU. Not a `PostgresStore`: opening one writes its
/// migration table into the service's database, and its transactions cannot run `CREATE DATABASE`.
public enum PostgresQuery {
    /// The rows of `sql` on the database at `url`, as `psql -t -A` prints them: columns joined by `|`, rows by
    /// newlines, NULL as an empty string. A failing statement throws with the server's message.
    public static func run(_ url: String, _ sql: String) async throws -> String {
        try await detached { try sessions.run(url, sql) }
    }

    private static let sessions = Sessions()

    /// Idle connections by URL, the oldest closed beyond `limit`: every test has databases of its own, and the
    /// server's connection limit is shared with every service instance of the suite.
    private final class Sessions: @unchecked Sendable {
        // @unchecked: `idle` is touched only under `lock`; a connection checked out is used by one thread.
        private let lock = NSLock()
        private var idle: [(url: String, connection: OpaquePointer)] = []
        private let limit = 8

        func run(_ url: String, _ sql: String) throws -> String {
            // A kept connection may have been cut by a server restart since: then once more on a fresh one.
            if case .rows(let text) = try execute(sql, on: try checkOut(url), url: url) { return text }
            switch try execute(sql, on: try connect(url), url: url) {
            case .rows(let text): return text
            case .broken(let error): throw ProcessTestError("PostgreSQL at \(url): \(error)")
            }
        }

        private enum Outcome { case rows(String), broken(String) }

        /// The statement's rows, or `broken` when the connection broke (it is closed); a statement the server
        /// refused throws, and the connection is kept.
        private func execute(_ sql: String, on connection: OpaquePointer, url: String) throws -> Outcome {
            let result = PQexec(connection, sql)
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                let text = (0..<PQntuples(result)).map { row in
                    (0..<PQnfields(result)).map { column in
                        PQgetisnull(result, row, column) == 1 ? "" : String(cString: PQgetvalue(result, row, column))
                    }.joined(separator: "|")
                }.joined(separator: "\n")
                checkIn(url, connection)
                return .rows(text)
            default:
                let error = message(connection)
                guard PQstatus(connection) == CONNECTION_OK else {
                    PQfinish(connection)
                    return .broken(error)
                }
                checkIn(url, connection)
                throw ProcessTestError("PostgreSQL: \(error)")
            }
        }

        private func checkOut(_ url: String) throws -> OpaquePointer {
            lock.lock()
            let index = idle.lastIndex { $0.url == url }
            let kept = index.map { idle.remove(at: $0).connection }
            lock.unlock()
            return try kept ?? connect(url)
        }

        private func checkIn(_ url: String, _ connection: OpaquePointer) {
            lock.lock()
            idle.append((url, connection))
            let closing = idle.count > limit ? idle.removeFirst().connection : nil
            lock.unlock()
            closing.map(PQfinish)
        }

        private func connect(_ url: String) throws -> OpaquePointer {
            guard let connection = PQconnectdb(url) else { throw ProcessTestError("PostgreSQL at \(url): out of memory") }
            guard PQstatus(connection) == CONNECTION_OK else {
                let error = message(connection)
                PQfinish(connection)
                throw ProcessTestError("PostgreSQL at \(url): \(error)")
            }
            return connection
        }

        private func message(_ connection: OpaquePointer) -> String {
            String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
