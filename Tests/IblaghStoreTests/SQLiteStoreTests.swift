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
