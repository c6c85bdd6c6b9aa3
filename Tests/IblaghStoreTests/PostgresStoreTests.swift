import Foundation
import IblaghStore
import Testing
import TestSupport

@Suite("The PostgreSQL store")
struct PostgresStoreTests {
    static let migrations = [
        Migration("test-1", [
            "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, writer INTEGER NOT NULL, at REAL NOT NULL)",
            "CREATE TABLE keyed (id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
        ])
    ]

    @Test("an unreachable server is an error naming the address without its password")
    func unreachable() {
        do {
            _ = try PostgresStore(url: "postgresql://iblagh:s3cret-word@127.0.0.1:1/cases?connect_timeout=2", migrations: Self.migrations)
            Issue.record("connected to port 1")
        } catch {
            #expect("\(error)".contains("postgresql://iblagh@127.0.0.1:1/cases"))
            #expect(!"\(error)".contains("s3cret-word"))
        }
    }

    @Test("instances starting together apply each migration once")
    func concurrentMigrations() async throws {
        let url = try await PostgresServer.database()
        let stores = try await withThrowingTaskGroup(of: (any Store).self) { tasks in
            for _ in 0..<4 { tasks.addTask { try await detached { try PostgresStore(url: url, migrations: Self.migrations) } } }
            return try await tasks.reduce(into: [any Store]()) { $0.append($1) }
        }
        let applied = try await stores[0].read { try $0.rows("SELECT COUNT(*) AS n FROM store_migration", []).first?.integer("n") }
        #expect(applied == 1)
    }

    @Test("transactions taking the same lock commit in the order of their ids (an outbox read by sequence skips none)")
    func lockOrdersCommits() async throws {
        let url = try await PostgresServer.database()
        let stores = try (0..<3).map { _ in try PostgresStore(url: url, migrations: Self.migrations) }
        // Writers append under the lock while a reader follows by sequence number, as a dispatcher reads an outbox:
        // it must never see a row appear behind the position it already passed.
        let done = ManagedAtomicFlag()
        let reader = Task { () -> Int in
            var passed: Int64 = 0, seen = 0, finished = false
            while !finished {
                finished = done.isSet  // one last read after the writers are done
                let from = passed
                let rows = try await stores[0].read { try $0.rows("SELECT seq FROM events WHERE seq > ? ORDER BY seq", [.integer(from)]) }
                seen += rows.count
                passed = rows.last?.integer("seq") ?? passed
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for writer in 0..<6 {
                tasks.addTask {
                    for _ in 0..<150 {
                        try await stores[writer % 3].write { transaction in
                            try transaction.lock("events")
                            try transaction.execute("INSERT INTO events (writer, at) VALUES (?, ?)", [.integer(Int64(writer)), .real(Date().timeIntervalSince1970)])
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        done.set()
        #expect(try await reader.value == 900, "a row committed behind the reader's position was never seen")
        #expect(try await stores[1].read { try $0.rows("SELECT COUNT(*) AS n FROM events", []).first?.integer("n") } == 900)
    }

    @Test("instances appending to one chain take turns: every write commits at its first attempt, and the chain is whole")
    func writersTakeTurns() async throws {
        let url = try await PostgresServer.database()
        let stores = try (0..<2).map { _ in try PostgresStore(url: url, migrations: Self.migrations) }
        // As the tracker's history: each write reads the newest row and appends after it. Two transactions that
        // overlapped would both read the same newest row, and one of them would have to be rolled back.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for writer in 0..<8 {
                tasks.addTask {
                    for _ in 0..<50 {
                        try await stores[writer % 2].write { transaction in
                            let newest = try transaction.rows("SELECT seq FROM events ORDER BY seq DESC LIMIT 1", []).first?.integer("seq") ?? 0
                            try transaction.execute("INSERT INTO events (writer, at) VALUES (?, ?)", [.integer(Int64(writer)), .real(Double(newest))])
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        #expect(stores.map(\.retried) == [0, 0], "transactions rolled back and run again")
        // Each row names the row before it: 400 rows, one chain.
        let broken = try await stores[0].read { transaction in
            try transaction.rows("SELECT COUNT(*) AS n FROM events e WHERE CAST(e.at AS BIGINT) <> (SELECT COALESCE(MAX(seq), 0) FROM events p WHERE p.seq < e.seq)", [])
                .first?.integer("n")
        }
        #expect(broken == 0)
        #expect(try await stores[1].read { try $0.rows("SELECT COUNT(*) AS n FROM events", []).first?.integer("n") } == 400)
    }

    @Test("one process leads a named job; when it goes, another takes over")
    func leadership() async throws {
        let url = try await PostgresServer.database()
        var first: PostgresStore? = try PostgresStore(url: url, migrations: Self.migrations)
        let second = try PostgresStore(url: url, migrations: Self.migrations)
        #expect(await first!.lead("dispatch"))
        #expect(await first!.lead("dispatch"))
        #expect(await !second.lead("dispatch"))
        #expect(await second.lead("another job"))
        first = nil  // its connections close, as when the process dies
        var taken = false
        for _ in 0..<50 where !taken {
            taken = await second.lead("dispatch")
            if !taken { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(taken)
    }

    @Test("a server restart during writes: the store reconnects, every acknowledged write is there once")
    func serverRestart() async throws {
        let server = try await PostgresServer()
        let url = try await server.createDatabase()
        let store = try PostgresStore(url: url, migrations: Self.migrations)
        let writer = Task { () -> (acknowledged: Set<String>, failed: Int) in
            var acknowledged = Set<String>(), failed = 0
            for index in 0..<400 {
                let id = "case-\(index)"
                // A write whose COMMIT was cut may or may not have happened; retrying the same key makes it once.
                for _ in 0..<20 {
                    do {
                        _ = try await store.write { transaction in
                            try transaction.execute("INSERT INTO keyed (id, n) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", [.text(id), .integer(Int64(index))])
                        }
                        acknowledged.insert(id)
                        break
                    } catch {
                        failed += 1
                        try? await Task.sleep(for: .milliseconds(200))
                    }
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return (acknowledged, failed)
        }
        try await Task.sleep(for: .milliseconds(500))
        try await server.stop()
        try await Task.sleep(for: .milliseconds(700))
        try await server.start()
        let outcome = await writer.value
        #expect(outcome.acknowledged.count == 400)
        let stored = try await PostgresQuery.run(url, "SELECT COUNT(*) || ',' || COUNT(DISTINCT id) FROM keyed")
        #expect(stored == "400,400")
    }
}

/// A flag one task sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
