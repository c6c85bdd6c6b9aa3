import Foundation
import IblaghStore
import Testing

@Suite("The embedded store")
struct SQLiteStoreTests {
    static let migrations = [Migration("test-1", ["CREATE TABLE reports (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"])]

    func temporaryPath(_ name: String = #function) -> String {
        NSTemporaryDirectory() + "iblagh-store-\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(8))/service.db"
    }

    @Test("a database runs in WAL mode with synchronous=FULL, so a commit is on disk when write returns")
    func durabilitySettings() async throws {
        let store = try SQLiteStore(path: temporaryPath(), migrations: Self.migrations)
        let (journal, synchronous) = try await store.read { transaction in
            (try transaction.rows("PRAGMA journal_mode", []).first?.text("journal_mode"),
             try transaction.rows("PRAGMA synchronous", []).first?.integer("synchronous"))
        }
        #expect(journal == "wal")
        #expect(synchronous == 2)  // FULL
    }

    @Test("migrations apply once: reopening keeps the data and adds only new migrations")
    func migrationsApplyOnce() async throws {
        let path = temporaryPath()
        let first = try SQLiteStore(path: path, migrations: Self.migrations)
        try await first.write { try $0.execute("INSERT INTO reports (id, n) VALUES ('IBL-1', 1)", []) }
        let second = try SQLiteStore(
            path: path, migrations: Self.migrations + [Migration("test-2", ["ALTER TABLE reports ADD COLUMN note TEXT"])])
        let rows = try await second.read { try $0.rows("SELECT id, n, note FROM reports", []) }
        #expect(rows.count == 1)
        #expect(rows.first?.text("id") == "IBL-1")
        #expect(rows.first?["note"] == .null)
    }

    @Test("a write that throws leaves nothing behind")
    func failedWriteRollsBack() async throws {
        let store = try SQLiteStore(path: temporaryPath(), migrations: Self.migrations)
        await #expect(throws: StoreError.self) {
            try await store.write { transaction in
                try transaction.execute("INSERT INTO reports (id, n) VALUES ('IBL-1', 1)", [])
                throw StoreError("validation failed after the first insert")
            }
        }
        #expect(try await store.read { try $0.rows("SELECT COUNT(*) AS c FROM reports", []).first?.integer("c") } == 0)
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

    @Test("group commit: concurrent writes share transactions, each gets its own result, a failing one fails alone")
    func groupCommit() async throws {
        let store = try SQLiteStore(path: temporaryPath(), migrations: Self.migrations)
        let group = GroupCommit(store: store)
        let results = await withTaskGroup(of: (Int, Bool).self) { tasks in
            for index in 0..<500 {
                tasks.addTask {
                    do {
                        try await group.write { transaction in
                            try transaction.execute("INSERT INTO reports (id, n) VALUES (?, ?)", [.text("IBL-\(index)"), .integer(Int64(index))])
                            if index % 100 == 7 { throw StoreError("refused") }
                        }
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            return await tasks.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.filter { !$0.value }.keys.sorted() == [7, 107, 207, 307, 407])
        let stored = try await store.read { try $0.rows("SELECT COUNT(*) AS c FROM reports", []).first?.integer("c") }
        #expect(stored == 495)
        let statistics = await group.statistics
        #expect(statistics.writes == 500)
        #expect(statistics.commits < 500, "no batching: \(statistics.commits) commits for 500 writes")
    }
}
