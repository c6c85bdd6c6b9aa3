import Foundation
import IblaghStore

nonisolated(unsafe) private var startedSharedServer: (directory: String, script: String)?

/// A real PostgreSQL server on loopback for tests, through `deploy/lib/postgres.sh` (the script the test command and
/// the local stack use).
///
/// Tests share one server — the one the test command started (`IBLAGH_TEST_POSTGRES`, its admin URL), else one this
/// test process starts on first use — and each test gets a database of its own (``database(_:)``). A test that
/// restarts PostgreSQL starts a server of its own (``init()``), so it disturbs no other test.
public final class PostgresServer: @unchecked Sendable {
    // @unchecked: `adminURL` is set by `start`, which runs before the server is shared.
    public let directory: String
    public let port: Int
    public private(set) var adminURL = ""

    /// A new server in a fresh folder on a free port, started.
    public init() async throws {
        directory = try temporaryDirectory("postgres")
        // A test that restarts the server binds the same port again (CI once failed with "pg_ctl: could not start
        // server" on the restart when the port was an ephemeral one).
        port = TestPorts.free()
        try await start()
    }

    private init(existing url: String) {
        directory = ""
        port = 0
        adminURL = url
    }

    deinit {
        if !directory.isEmpty {
            _ = try? runBlocking(Self.script, ["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The server every test shares.
    public static func shared() async throws -> PostgresServer {
        try await sharedServer.value
    }

    private static let sharedServer = Task<PostgresServer, any Error> {
        if let url = ProcessInfo.processInfo.environment["IBLAGH_TEST_POSTGRES"], !url.isEmpty {
            return PostgresServer(existing: url)
        }
        let server = try await PostgresServer()
        // A static is never deinitialised: stop the server when the test process exits.
        startedSharedServer = (server.directory, script)
        atexit {
            guard let (directory, script) = startedSharedServer else { return }
            _ = try? runBlocking(script, ["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        return server
    }

    /// `own` when a test has a server of its own, else the shared one.
    public static func server(or own: PostgresServer?) async throws -> PostgresServer {
        if let own { return own }
        return try await shared()
    }

    /// A fresh, empty database on the shared server, as a URL a service's `database` setting takes.
    public static func database(_ name: String = #function) async throws -> String {
        try await shared().createDatabase(name)
    }

    public func createDatabase(_ name: String = #function) async throws -> String {
        let database = "t_" + name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(30) + "_"
            + UUID().uuidString.prefix(8).lowercased()
        _ = try await PostgresQuery.run(adminURL, "CREATE DATABASE \(database)")
        return adminURL.replacingOccurrences(of: "/postgres", with: "/\(database)", options: .backwards)
    }

    public func start() async throws {
        let started = try await run(Self.script, ["start", directory, "\(port)"])
        guard started.status == 0 else { throw ProcessTestError("starting PostgreSQL: \(started.error)") }
        adminURL = started.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A fast shutdown: sessions are cut, as a server restart or failover cuts them.
    public func stop() async throws {
        let stopped = try await run(Self.script, ["stop", directory])
        guard stopped.status == 0 else { throw ProcessTestError("stopping PostgreSQL: \(stopped.error)") }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy/lib/postgres.sh").standardized.path
}
