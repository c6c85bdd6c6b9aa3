import Foundation
import IblaghStore
import Testing
import TestSupport

@Suite("iblagh's commands that read a store")
struct StoreArgumentTests {
    @Test("pointed at another service's store, a command names the store and what it lacks, and changes nothing in it", arguments: [
        (["stats", "annual"], "is not a statistics service's store: it has no stats_case table"),
        (["audit", "verify"], "is not a prosecution tracker's store: it has no tracker_history table"),
        (["deadletter", "list"], "is not an Iblagh service's store: it has no hop_dead_letter table"),
        (["reroute", "--tracking", "IBL-2026-000000000000", "--province", "kenitra", "--reason", "moved",
          "--reference", OpenAPIDocument.repository.appendingPathComponent("deploy/reference/morocco-territory.json").path],
         "is not a jurisdiction router's store: it has no router_decision table"),
    ])
    func wrongStore(_ command: [String], _ message: String) async throws {
        let directory = try temporaryDirectory("wrongStore-\(command[0])")
        let path = "\(directory)/other.db"
        let store = try SQLiteStore(path: path, migrations: [Migration("other-1", ["CREATE TABLE someone_elses (x INTEGER)"])])
        let tables = { try await store.read { try $0.rows("SELECT name FROM sqlite_master ORDER BY name", []).compactMap { $0.text("name") } } }
        let before = try await tables()

        let result = try await run(iblaghPath, command + ["--db", path])
        #expect(result.status != 0)
        #expect(result.error.contains("\(path) \(message)"), "\(result.error)")
        #expect(!result.error.contains("SELECT"), "\(result.error)")
        #expect(try await tables() == before)
    }
}
