import Foundation
import ServiceBootstrap
import Testing
import TestSupport

/// docs/configuration.md is the one place where settings are documented; these tests keep it and the code in step.
@Suite("docs/configuration.md lists exactly the settings the services read")
struct ConfigurationReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// Every `settings.READ("key", default: VALUE` in the services and the start they share (`ServiceMain` reads
    /// `log.level`), with VALUE as the doc writes it (nil: no default).
    static func keysInCode() throws -> [String: String?] {
        let files = ["Services", "Shared/ServiceBootstrap"].flatMap { folder in
            (FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)?.compactMap { $0 as? String } ?? [])
                .filter { $0.hasSuffix(".swift") }.map { root.appendingPathComponent(folder).appendingPathComponent($0) }
        }
        let read = try NSRegularExpression(pattern: #"settings\.\w+\(\s*"((?:intake|router|notifier|tracker|statistics|log)\.[A-Za-z.]+)"(?:,\s*(?:kind:[^)]*|default:\s*("(?:[^"\\]|\\.)*"|[\w.]+)))?"#)
        var keys: [String: String?] = [:]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in read.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                let value = Range(match.range(at: 2), in: text).map { String(text[$0]) }.map { value in
                    value.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).replacingOccurrences(of: #"\(id)"#, with: "<id>")
                }
                keys[key] = keys[key] ?? value
            }
        }
        return keys
    }

    /// The first column (the key) and third column (the default) of every table row of the doc.
    static func keysInDoc() throws -> [String: String] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        var keys: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            keys[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
        }
        return keys
    }

    @Test("every key read by a service is documented, and every documented key is read")
    func sameKeys() throws {
        let code = try Self.keysInCode(), doc = try Self.keysInDoc()
        #expect(code.count > 60, "the reads were not found: \(code.keys.sorted())")
        #expect(Set(code.keys).subtracting(doc.keys).sorted() == [], "read but not in docs/configuration.md")
        #expect(Set(doc.keys).subtracting(code.keys).sorted() == [], "documented but never read")
    }

    @Test("each documented default is the code's default")
    func sameDefaults() throws {
        let code = try Self.keysInCode(), doc = try Self.keysInDoc()
        var checked = 0
        for (key, value) in code {
            guard let value, let documented = doc[key] else { continue }
            checked += 1
            #expect(documented == value, "\(key): the doc says \(documented), the code \(value)")
        }
        #expect(checked > 30)
    }

    @Test("each executable's --help is the doc's table: every setting, its names on the command line and in the environment, its default; nothing opened", arguments: [
        "intake", "router", "notifier", "tracker", "statistics",
    ])
    func help(_ service: String) async throws {
        let directory = try temporaryDirectory("help-\(service)")
        let database = "\(directory)/\(service).db"
        // A setting out of range and a file not there: help answers before any setting is read.
        let result = try await run(
            builtExecutable("iblagh-\(service)"), ["--\(service)-database", database, "--\(service)-http-port", "70000", "--config", "/nonexistent.json", "--help"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.isEmpty, "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: database))
        let output = result.output
        #expect(output.hasPrefix("iblagh-\(service): "), "\(output)")
        let documented = try Self.keysInDoc().filter { $0.key.hasPrefix("\(service).") || $0.key.hasPrefix("log.") }
        #expect(documented.count > 8)
        for (key, value) in documented {
            let names = "  --\(Settings.commandLineName(key)), \(Settings.environmentName(key))\n"
            guard let line = output.range(of: names) else {
                Issue.record("\(key) is not in iblagh-\(service) --help")
                continue
            }
            let described = output[line.upperBound...].prefix { $0 != "\n" }
            let expected = value == "required" ? ", required:" : value.hasPrefix("none") ? ", optional" : ", default \(value):"
            #expect(described.contains(expected), "\(key): \(described)")
        }
        #expect(output.components(separatedBy: "\n  --").count - 1 == documented.count, "a setting listed that the doc does not have")
        #expect(output.split(separator: "\n").allSatisfy { $0.count <= 100 || !$0.contains(" ") }, "a line past 100 columns")
        let short = try await run(builtExecutable("iblagh-\(service)"), ["-h"])
        #expect(short.status == 0 && short.output == output)
    }

    @Test("each executable's --version (the tool's too) names its build (the ELF build id readelf shows) and the libraries it runs with; nothing opened", arguments: [
        "iblagh-intake", "iblagh-router", "iblagh-notifier", "iblagh-tracker", "iblagh-statistics", "iblagh",
    ])
    func version(_ name: String) async throws {
        let executable = builtExecutable(name)
        let result = try await run(executable, name == "iblagh" ? ["--version"] : ["--config", "/nonexistent.json", "--version"])
        #expect(result.status == 0 && result.error.isEmpty, "\(result.error)")
        let notes = try await run("/usr/bin/env", ["readelf", "-n", executable])
        let buildID = try #require(notes.output.firstMatch(of: /Build ID: ([0-9a-f]+)/)?.1)
        let line = try #require(result.output.wholeMatch(of: /([\w-]+) build ([0-9a-f]{12}) \(protocol iblagh\.v1; libzmq (4\.[0-9.]+), SQLite (3\.[0-9.]+), OpenSSL ([0-9.]+)\)\n/), "\(result.output)")
        #expect(line.1 == name)
        #expect(buildID.hasPrefix(line.2))
    }

    @Test("the executables' help and API descriptions (SettingsReference.swift, APIDescriptions.swift) were generated from these versions of the docs")
    func generatedFromDocs() async throws {
        let script = Self.root.appendingPathComponent("Shared/ServiceBootstrap/generate.py").path
        let result = try await run("/usr/bin/env", ["python3", script, "--check"])
        #expect(result.status == 0, "\(result.error)")
    }

    @Test("each service reads its hop linger, and refuses one out of range by the key's name", arguments: [
        ("iblagh-intake", "intake", [String]()), ("iblagh-router", "router", []), ("iblagh-notifier", "notifier", ["--notifier-regions", "04"]),
        ("iblagh-tracker", "tracker", []), ("iblagh-statistics", "statistics", []),
    ])
    func lingerIsRead(_ executable: String, _ service: String, _ more: [String]) async throws {
        let result = try await run(builtExecutable(executable), ["--\(service)-hop-linger-milliseconds", "1001"] + more, timeout: 60)
        #expect(result.status != 0)
        #expect(result.error.contains("\(service).hop.lingerMilliseconds: 1001 is outside 0...1000"), "\(result.error)")
    }
}
