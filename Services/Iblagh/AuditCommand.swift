import ArgumentParser
import CaseHistory
import Foundation
import IblaghStore

/// `iblagh audit verify`: checks the tracker's hash-chained history and names the first entry that was edited,
/// removed or reordered.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the case file's tamper-evident history.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify the whole store, or one case.")
        @Option(help: "The tracker instance's database: its SQLite file or postgresql:// URL.") var db: String
        @Option(help: "Only this case.") var tracking: String?

        func run() async throws {
            let store = try await StoreLocation(db).openExisting(holding: "tracker_history", of: "a prosecution tracker")
            let tracking = self.tracking
            let (problem, entries) = try await store.read { transaction in
                (try HistoryChain.verify(trackingID: tracking, in: transaction),
                 try transaction.rows(tracking == nil ? "SELECT COUNT(*) AS n FROM tracker_history" : "SELECT COUNT(*) AS n FROM tracker_history WHERE tracking_id = ?",
                                      tracking.map { [.text($0)] } ?? []).first?.integer("n") ?? 0)
            }
            if let problem {
                print("BROKEN: \(problem)")
                throw ExitCode(1)
            }
            print("OK: \(entries) entries\(tracking.map { " of \($0)" } ?? ""), every hash and link holds")
        }
    }
}
