import Foundation
import IblaghStore
import Testing
import TestSupport

@Suite("Both stores keep the same promises")
struct StoreContractTests {
    static let migrations = [
        Migration("test-1", [
            "CREATE TABLE reports (id TEXT PRIMARY KEY, n INTEGER NOT NULL)",
            """
            CREATE TABLE samples (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT NOT NULL, amount REAL, payload BLOB, note TEXT)
            """,
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        ])
    ]

    @Test("migrations apply once: reopening keeps the data and adds only new migrations", arguments: StoreKind.allCases)
    func migrationsApplyOnce(kind: StoreKind) async throws {
        let location = try await kind.freshLocation()
        let first = try location.open(migrations: Self.migrations)
        _ = try await first.write { try $0.execute("INSERT INTO reports (id, n) VALUES ('IBL-1', 1)", []) }
        let second = try location.open(
            migrations: Self.migrations + [Migration("test-2", ["ALTER TABLE reports ADD COLUMN note TEXT"])])
        let rows = try await second.read { try $0.rows("SELECT id, n, note FROM reports", []) }
        #expect(rows.count == 1)
        #expect(rows.first?.text("id") == "IBL-1")
        #expect(rows.first?.integer("n") == 1)
        #expect(rows.first?["note"] == .null)
    }

    @Test("every kind of value comes back as it went in", arguments: StoreKind.allCases)
    func valuesRoundTrip(kind: StoreKind) async throws {
        let store = try await kind.freshLocation().open(migrations: Self.migrations)
        let payload: [UInt8] = (0...255).map(UInt8.init) + [0, 0, 92, 120]  // every byte, NULs, a backslash and "x"
        let label = "كنيطرة — Kénitra 'quoted' ? \"and\" \\ 🙂"
        try await store.write { transaction in
            try transaction.execute(
                "INSERT INTO samples (label, amount, payload, note) VALUES (?, ?, ?, ?)",
                [.text(label), .real(1_764_400_000.125), .blob(payload), .null])
            try transaction.execute(
                "INSERT INTO samples (label, amount, payload, note) VALUES (?, ?, ?, ?)",
                [.text("second"), .real(-0.5), .blob([]), .text("")])
        }
        let rows = try await store.read { try $0.rows("SELECT seq, label, amount, payload, note FROM samples ORDER BY seq", []) }
        #expect(rows.count == 2)
        #expect(rows[0].text("label") == label)
        #expect(rows[0].real("amount") == 1_764_400_000.125)
        #expect(rows[0].blob("payload") == payload)
        #expect(rows[0]["note"] == .null)
        #expect(rows[1].blob("payload") == [])
        #expect(rows[1].text("note") == "")
        #expect(rows[0].integer("seq")! < rows[1].integer("seq")!)
        let counted = try await store.read { transaction in
            try transaction.rows("SELECT COUNT(*) AS n, SUM(LENGTH(label)) AS total, MAX(seq) AS last FROM samples WHERE label = ? OR amount < ?",
                                 [.text("second"), .integer(0)]).first
        }
        #expect(counted?.integer("n") == 1)
        #expect(counted?.integer("total") == 6)
        #expect(counted?.integer("last") == rows[1].integer("seq"))
    }

    @Test("a write that throws leaves nothing behind", arguments: StoreKind.allCases)
    func failedWriteRollsBack(kind: StoreKind) async throws {
        let store = try await kind.freshLocation().open(migrations: Self.migrations)
        await #expect(throws: StoreError.self) {
            try await store.write { transaction in
                try transaction.execute("INSERT INTO reports (id, n) VALUES ('IBL-1', 1)", [])
                throw StoreError("validation failed after the first insert")
            }
        }
        // A statement the database refuses, caught inside the transaction, fails the whole write too.
        await #expect(throws: StoreError.self) {
            try await store.write { transaction in
                try transaction.execute("INSERT INTO reports (id, n) VALUES ('IBL-2', 2)", [])
                try transaction.execute("INSERT INTO reports (id, n) VALUES ('IBL-2', 3)", [])
            }
        }
        #expect(try await store.read { try $0.rows("SELECT COUNT(*) AS c FROM reports", []).first?.integer("c") } == 0)
    }

    @Test("a deferred write commits whole without a sync of its own, and the next write is synced again", arguments: StoreKind.allCases)
    func deferredWrite(kind: StoreKind) async throws {
        let store = try await kind.freshLocation().open(migrations: Self.migrations)
        // What the commit at the end of this transaction will do: SQLite's synchronous (2 FULL, 1 NORMAL: in WAL
        // mode, not synced), PostgreSQL's synchronous_commit.
        @Sendable func syncSetting(_ transaction: any StoreTransaction) throws -> String {
            switch kind {
            case .sqlite: return "\(try transaction.rows("PRAGMA synchronous", []).first?.integer("synchronous") ?? -1)"
            case .postgres: return try transaction.rows("SHOW synchronous_commit", []).first?.text("synchronous_commit") ?? "?"
            }
        }
        let synced = kind == .sqlite ? "2" : "on", deferred = kind == .sqlite ? "1" : "off"
        let inside = try await store.write(durability: .deferred) { transaction in
            try transaction.execute("INSERT INTO reports (id, n) VALUES ('cursor', 1)", [])
            return try syncSetting(transaction)
        }
        #expect(inside == deferred)
        #expect(try await store.write(syncSetting) == synced)
        #expect(try await store.write(durability: .synced, syncSetting) == synced)
        // One that throws is rolled back, and leaves the store synced too.
        await #expect(throws: StoreError.self) {
            try await store.write(durability: .deferred) { transaction in
                try transaction.execute("INSERT INTO reports (id, n) VALUES ('lost', 2)", [])
                throw StoreError("refused after the insert")
            }
        }
        #expect(try await store.write(syncSetting) == synced)
        let ids = try await store.read { try $0.rows("SELECT id FROM reports ORDER BY id", []).compactMap { $0.text("id") } }
        #expect(ids == ["cursor"])
    }

    @Test("a blocking write from a thread of its own commits synced or deferred; one that throws, or a write of it that fails alone, leaves nothing", arguments: StoreKind.allCases)
    func blockingWrite(kind: StoreKind) async throws {
        let store = try await kind.freshLocation().open(migrations: Self.migrations)
        // From a plain thread, as a poll loop calls it: never from the cooperative pool.
        let outcome = await withCheckedContinuation { (done: CheckedContinuation<Result<[Bool], Error>, Never>) in
            Thread {
                let first = Result {
                    try store.writeBlocking(durability: .synced) { transaction in
                        try ["a", "b", "a", "c"].map { id in
                            (try transaction.separately { try transaction.execute("INSERT INTO reports (id, n) VALUES (?, 1)", [.text(id)]) }).isSuccess
                        }
                    }
                }
                _ = try? store.writeBlocking(durability: .deferred) { transaction in
                    try transaction.execute("INSERT INTO reports (id, n) VALUES ('lost', 2)", [])
                    throw StoreError("refused after the insert")
                }
                _ = try? store.writeBlocking(durability: .deferred) { try $0.execute("INSERT INTO reports (id, n) VALUES ('d', 3)", []) }
                done.resume(returning: first)
            }.start()
        }
        // The second "a" failed alone (its key exists); the rest of its transaction is committed.
        #expect(try outcome.get() == [true, true, false, true])
        let ids = try await store.read { try $0.rows("SELECT id FROM reports ORDER BY id", []).compactMap { $0.text("id") } }
        #expect(ids == ["a", "b", "c", "d"])
    }

    @Test("a savepoint undoes only its own changes, and the transaction goes on", arguments: StoreKind.allCases)
    func savepointUndoesItsOwn(kind: StoreKind) async throws {
        let store = try await kind.freshLocation().open(migrations: Self.migrations)
        try await store.write { transaction in
            try transaction.execute("INSERT INTO reports (id, n) VALUES ('kept', 1)", [])
            _ = try? transaction.savepoint {
                try transaction.execute("INSERT INTO reports (id, n) VALUES ('undone', 2)", [])
                try transaction.execute("INSERT INTO reports (id, n) VALUES ('kept', 3)", [])  // refused: the key exists
            }
            try transaction.execute("INSERT INTO reports (id, n) VALUES ('after', 4)", [])
        }
        let ids = try await store.read { try $0.rows("SELECT id FROM reports ORDER BY id", []).compactMap { $0.text("id") } }
        #expect(ids == ["after", "kept"])
    }

    @Test("group commit: concurrent writes share transactions, each gets its own result, a failing one fails alone",
          arguments: StoreKind.allCases)
    func groupCommit(kind: StoreKind) async throws {
        let store = try await kind.freshLocation().open(migrations: Self.migrations)
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

    @Test("read-modify-write from many tasks at once loses no update", arguments: StoreKind.allCases)
    func noLostUpdates(kind: StoreKind) async throws {
        let location = try await kind.freshLocation()
        // Two store objects on one location: two instances of a service sharing PostgreSQL (for SQLite, two
        // connections to one file in one process).
        let stores = [try location.open(migrations: Self.migrations), try location.open(migrations: Self.migrations)]
        _ = try await stores[0].write { try $0.execute("INSERT INTO counters (name, value) VALUES ('cases', 0)", []) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for index in 0..<200 {
                tasks.addTask {
                    try await stores[index % 2].write { transaction in
                        let value = try transaction.rows("SELECT value FROM counters WHERE name = 'cases'", []).first?.integer("value") ?? -1
                        try transaction.execute("UPDATE counters SET value = ? WHERE name = 'cases'", [.integer(value + 1)])
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let value = try await stores[1].read { try $0.rows("SELECT value FROM counters WHERE name = 'cases'", []).first?.integer("value") }
        #expect(value == 200)
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
