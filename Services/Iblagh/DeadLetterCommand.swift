import ArgumentParser
import Foundation
import IblaghStore
import ReliableHop

/// `iblagh deadletter list|replay`: the messages a consumer group refused, in a producer's database.
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadletter",
        abstract: "Inspect and replay messages consumers refused (kept in the producer's database).",
        subcommands: [List.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters (ids, types and reasons; never payloads).")
        @Option(help: "The producer instance's database: its SQLite file or postgresql:// URL.") var db: String
        @Option(help: "Only this consumer group.") var group: String?

        func run() async throws {
            let store = try await openExisting(db)
            let group = self.group
            let entries = try await store.read { try DeadLetters.list(in: $0, group: group) }
            if entries.isEmpty { return print("no dead letters in \(db)") }
            print("id\tmessage id\tgroup\ttype\tdead at\treason")
            let format = ISO8601DateFormatter()
            for entry in entries {
                print("\(entry.id)\t\(entry.messageID)\t\(entry.group)\t\(entry.type)\t\(format.string(from: entry.deadAt))\t\(entry.reason)")
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put dead letters back in their group's queue; the running producer delivers them within a second.")
        @Option(help: "The producer instance's database: its SQLite file or postgresql:// URL.") var db: String
        @Argument(help: "Dead-letter ids, as `list` shows them.") var ids: [Int64] = []
        @Flag(help: "Replay every dead letter.") var all = false

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give dead-letter ids, or --all") }
        }

        func run() async throws {
            let store = try await openExisting(db)
            let wanted = ids, everything = all
            let replayed = try await store.write { transaction -> [Int64] in
                let targets = everything ? try DeadLetters.list(in: transaction).map(\.id) : wanted
                return try targets.filter { try DeadLetters.replay($0, in: transaction) }
            }
            let missing = Set(ids).subtracting(replayed)
            print("replayed \(replayed.count) dead letter(s)")
            if !missing.isEmpty {
                throw CommandFailure("no dead letter with id \(missing.sorted().map(String.init).joined(separator: ", "))")
            }
        }
    }

    static func openExisting(_ path: String) async throws -> any Store {
        try await StoreLocation(path).openExisting(holding: "hop_dead_letter", of: "an Iblagh service")
    }
}
