import Foundation
import GRDB
import IblaghStore
import Testing
import TestSupport
import ZeroMQ

/// Keys, databases and processes of one hop under test, in a folder of its own.
final class HopCluster: @unchecked Sendable {
    // @unchecked: processes are added by the test's own task only; `stopAll` runs after it.
    let directory: String
    let keys: String
    private(set) var processes: [ServiceProcess] = []
    /// Each instance's store (by instance name): a file in `directory`, or a PostgreSQL database of its own.
    let databases: InstanceDatabases

    func database(_ name: String) -> String { databases.known(name) }

    init(
        consumers: [(name: String, role: String)], store: StoreKind = .sqlite, server: PostgresServer? = nil,
        test: String = #function
    ) async throws {
        directory = try temporaryDirectory("hop-\(test)")
        keys = "\(directory)/keys"
        databases = InstanceDatabases(directory: directory, store: store, server: server)
        let made = try await run(harnessPath, ["keys", "--dir", keys, "--consumers", consumers.map { "\($0.name):\($0.role)" }.joined(separator: ",")])
        guard made.status == 0 else { throw ProcessTestError("hop-harness keys failed: \(made.error)") }
    }

    /// Starts a producer; returns it and the endpoint it bound.
    func producer(
        _ name: String = "producer", count: Int, groups: String = "g", rate: Int = 0, endpoint: String = TestPorts.endpoint(),
        poison: Bool = false, failover: Double = 20, warmup: Double = 0, awaitConsumers: Int = 0
    ) async throws -> (ServiceProcess, String) {
        _ = try await databases.location(name)
        var arguments = ["produce", "--db", database(name), "--keys", keys, "--count", "\(count)",
                         "--groups", groups, "--rate", "\(rate)", "--endpoint", endpoint, "--failover", "\(failover)",
                         "--warmup", "\(warmup)", "--await-consumers", "\(awaitConsumers)"]
        if poison { arguments.append("--poison") }
        let process = try ServiceProcess(harnessPath, arguments, outputPath: "\(directory)/\(name).out")
        processes.append(process)
        let ready = try await process.waitForLine("ready ")
        return (process, String(ready.dropFirst("ready ".count)))
    }

    /// Starts a consumer instance named `name` (its key and its database share the name).
    func consumer(
        _ name: String, group: String = "g", connect endpoints: [String], key: String? = nil, lease: Double = 10,
        slowMs: Int = 0, maxBatch: Int = 2000, database: String? = nil, sharingDatabaseWith other: String? = nil, unreachableWarning: Double = 30
    ) async throws -> ServiceProcess {
        if let database { databases.place(name, at: database) }
        if let other { databases.place(name, at: self.database(other)) }
        _ = try await databases.location(name)
        let process = try ServiceProcess(
            harnessPath,
            ["consume", "--db", self.database(name), "--connect", endpoints.joined(separator: ","), "--keys", keys,
             "--id", name, "--key", key ?? name, "--group", group, "--lease", "\(lease)", "--slow-ms", "\(slowMs)", "--max-batch", "\(maxBatch)",
             "--unreachable-warning", "\(unreachableWarning)"],
            outputPath: "\(directory)/\(name).out", errorPath: "\(directory)/\(name).log")
        processes.append(process)
        _ = try await process.waitForLine("ready")
        return process
    }

    /// message id -> how many times it was applied, over the given consumers' databases (each database once:
    /// instances may share one).
    func effects(_ consumers: [String]) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for location in Set(consumers.map(database)) {
            for id in try await column("SELECT message_id FROM effects", in: location, ifTableExists: "effects") {
                counts[id, default: 0] += 1
            }
        }
        return counts
    }

    /// Messages the producer `database` still holds for `group` (not yet acknowledged, by its stored cursor).
    func pending(in database: String = "producer", group: String = "g") async throws -> Int {
        try await count(
            """
            SELECT COUNT(*) FROM hop_outbox WHERE groups LIKE '%,\(group),%'
            AND seq > COALESCE((SELECT acked_through FROM hop_cursor WHERE consumer_group = '\(group)'), 0)
            """, in: database)
    }

    /// Rows of a table in a process's database (e.g. the producer's dead letters).
    func count(_ sql: String, in database: String) async throws -> Int {
        Int(try await column(sql, in: self.database(database)).first ?? "0") ?? 0
    }

    /// The first column of a query's rows as text, read behind the processes' backs (GRDB read-only, or a kept
    /// PostgreSQL session).
    private func column(_ sql: String, in location: String, ifTableExists table: String? = nil) async throws -> [String] {
        switch StoreLocation(location) {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            var configuration = Configuration()
            configuration.readonly = true
            return try await DatabaseQueue(path: path, configuration: configuration).read { db in
                if let table, try !db.tableExists(table) { return [] }
                return try String.fetchAll(db, sql: sql)
            }
        case .postgres(let url):
            if let table, try await PostgresQuery.run(url, "SELECT to_regclass('\(table)') IS NOT NULL") != "t" { return [] }
            return try await PostgresQuery.run(url, sql).split(separator: "\n").map(String.init)
        }
    }

    /// Waits until `consumers` together have applied `count` distinct messages, and returns what they applied.
    func waitForEffects(_ consumers: [String], count: Int) async throws -> [String: Int] {
        try await waitUntil(summary(try await effects(consumers), expected: count)) { try await effects(consumers).count == count }
        return try await effects(consumers)
    }

    func stopAll() {
        for process in processes { process.stop() }
    }
}

/// The expected ids `m-0` … `m-(count-1)`.
func expectedIDs(_ count: Int) -> Set<String> { Set((0..<count).map { "m-\($0)" }) }

/// Every expected id `m-0` … `m-(count-1)` applied, each exactly once.
func expectExactlyOnce(_ effects: [String: Int], count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Set(effects.keys) == expectedIDs(count), sourceLocation: sourceLocation)
    #expect(effects.values.allSatisfy { $0 == 1 }, "\(summary(effects, expected: count))", sourceLocation: sourceLocation)
}

/// Summary of an effects count for failure messages.
func summary(_ effects: [String: Int], expected count: Int) -> String {
    let missing = expectedIDs(count).subtracting(effects.keys).count
    let duplicated = effects.values.filter { $0 > 1 }.count
    return "\(effects.count) distinct applied, \(missing) missing, \(duplicated) applied more than once"
}
var harnessPath: String { builtExecutable("HopHarness") }
