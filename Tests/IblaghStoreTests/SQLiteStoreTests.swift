import Foundation
import IblaghStore
import Testing
import TestSupport

@Suite("The embedded store")
struct SQLiteStoreTests {
    static let migrations = [Migration("test-1", ["CREATE TABLE reports (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"])]

    func temporaryPath(_ name: String = #function) throws -> String {
        "\(try temporaryDirectory(name))/service.db"
    }

    @Test("a database runs in WAL mode with synchronous=FULL on the connection that commits, so a commit is on disk when write returns, and keeps temporary pages in memory")
    func durabilitySettings() async throws {
        let store = try SQLiteStore(path: temporaryPath(), migrations: Self.migrations)
        @Sendable func settings(_ transaction: any StoreTransaction) throws -> (String?, Int64?, Int64?) {
            (try transaction.rows("PRAGMA journal_mode", []).first?.text("journal_mode"),
             try transaction.rows("PRAGMA synchronous", []).first?.integer("synchronous"),
             try transaction.rows("PRAGMA temp_store", []).first?.integer("temp_store"))
        }
        // The writer is what matters: GRDB's pool sets it to NORMAL (commits not synced) after the store's own
        // preparation said FULL, and a check on a reader connection alone missed that.
        let writer = try await store.write(settings)
        let reader = try await store.read(settings)
        #expect(writer.0 == "wal")
        #expect(writer.1 == 2)  // FULL
        #expect(reader.1 == 2)
        // Savepoints' undo pages stay in memory: no temporary file per transaction in /var/tmp.
        #expect(writer.2 == 2)  // MEMORY
    }

    @Test("committed pages are folded into the database file while the store runs, and the WAL is reused, not grown")
    func checkpointsWhileRunning() async throws {
        let path = try temporaryPath()
        let store = try SQLiteStore(path: path, migrations: Self.migrations)
        let row = String(repeating: "x", count: 1_000)
        // 36 MB of rows in 72 transactions (over 200 MB of WAL frames: each row is in the table and in its key's
        // index, and each commit rewrites the pages it touched), with short pauses a checkpoint can fall into.
        for batch in 0..<72 {
            try await store.write { transaction in
                for index in 0..<500 {
                    try transaction.execute("INSERT INTO reports (id, n) VALUES (?, ?)", [.text("\(batch)-\(index)-\(row)"), .integer(Int64(index))])
                }
            }
            try await Task.sleep(for: .milliseconds(30))
        }
        func size(_ file: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue ?? 0
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while size(path) < 30_000_000 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(size(path) >= 30_000_000, "the database file holds the committed rows")
        // Started over, and kept to journal_size_limit (64 MiB).
        #expect(size(path + "-wal") <= 72_000_000, "the WAL is started over, not grown")
        #expect(try await store.read { try $0.rows("SELECT COUNT(*) AS c FROM reports", []).first?.integer("c") } == 36_000)
    }

    @Test("a database that cannot be opened is an error naming the file")
    func unopenable() {
        do {
            _ = try SQLiteStore(path: "/proc/iblagh/cannot/service.db", migrations: Self.migrations)
            Issue.record("opened a database under /proc")
        } catch {
            #expect("\(error)".contains("/proc/iblagh/cannot"))
        }
    }
}
