import Foundation
import Testing
import TestSupport

@Suite("iblagh's help and usage")
struct CommandHelpTests {
    /// Every command path below `iblagh` (`["case", "advance"]`, …), from the SUBCOMMANDS sections of the help.
    static func commands(below path: [String] = []) async throws -> [[String]] {
        let help = try await run(iblaghPath, ["help"] + path)
        let lines = help.output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [path] }
        var found: [[String]] = [path]
        for line in lines[(start + 1)...] {
            guard !line.isEmpty, !line.hasPrefix("  See ") else { break }
            // A subcommand's line starts with two spaces and its name; its description's continuation lines start with more.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            found += try await commands(below: path + [String(name).replacingOccurrences(of: " (default)", with: "")])
        }
        return found
    }

    @Test("no command's help shows a value made up while parsing (a new id each time) as if it were the default")
    func noMadeUpDefaults() async throws {
        let all = try await Self.commands()
        #expect(all.contains(["case", "advance"]) && all.contains(["submit"]), "\(all)")
        for path in all {
            let help = try await run(iblaghPath, ["help"] + path)
            #expect(help.status == 0, "iblagh help \(path.joined(separator: " ")): \(help.error)")
            let madeUp = help.output.range(of: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{3}", options: .regularExpression)
            #expect(madeUp == nil, "iblagh help \(path.joined(separator: " ")):\n\(help.output)")
        }
    }

    @Test("a mistake in the command line is named with that command's usage, before any file or peer is used", arguments: [
        (["stats", "annual", "--db", "/nonexistent/s.db", "--format", "pdf"], "--format", "iblagh stats annual"),
        (["route", "Kénitra", "--category", "gossip"], "--category", "iblagh route"),
        (["reroute", "--db", "/nonexistent/r.db", "--tracking", "IBL-2026-000000000000", "--province", "kenitra", "--reason", " "], "--reason", "iblagh reroute"),
        (["case", "advance", "--server-key", "/nonexistent.key", "--certificate", "/nonexistent.key_secret", "--tracking", "X", "--to", "nowhere"], "--to", "iblagh case advance"),
        (["case", "judge", "--server-key", "/nonexistent.key", "--certificate", "/nonexistent.key_secret", "--tracking", "X", "--defendant", "d", "--verdict", "maybe"], "--verdict", "iblagh case judge"),
        (["console", "--unit", "u", "--server-key", "/nonexistent.key", "--certificate", "/nonexistent.key_secret", "--acknowledge", "X"], "--officer", "iblagh console"),
        (["submit", "--server-key", "/nonexistent.key", "--certificate", "/nonexistent.key_secret", "--category", "fraud", "--description", "x", "--residence", "Rabat", "--language", "de"], "--language", "iblagh submit"),
    ])
    func mistakesShowTheirUsage(_ arguments: [String], _ option: String, _ usage: String) async throws {
        let result = try await run(iblaghPath, arguments)
        #expect(result.status != 0)
        #expect(result.error.contains("Error: \(option)") && result.error.contains("Usage: \(usage)"), "\(result.error)")
    }
}
