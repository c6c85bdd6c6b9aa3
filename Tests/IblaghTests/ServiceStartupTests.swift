import Foundation
import ServiceBootstrap
import Testing
import TestSupport

/// Every service executable starts through `ServiceMain`: the intake-only `ConfigurationTests` check the settings
/// themselves; these check that each of the five stops the same way on a bad one.
@Suite("Every service stops on a bad setting, naming itself and the key")
struct ServiceStartupTests {
    @Test("a malformed setting stops the service before it is ready: exit status 1, one line naming the executable and the key", arguments: [
        ("iblagh-intake", "intake", []), ("iblagh-router", "router", []), ("iblagh-notifier", "notifier", ["--notifier-regions", "04"]),
        ("iblagh-tracker", "tracker", []), ("iblagh-statistics", "statistics", []),
    ])
    func badSettingStopsTheService(_ executable: String, _ prefix: String, _ required: [String]) async throws {
        let result = try await run(builtExecutable(executable), required + ["--\(prefix)-http-port", "eighty"], timeout: 60)
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("\(executable): ") && result.error.contains("\(prefix).http.port"), "\(result.error)")
        #expect(!result.output.contains("ready"), "\(result.output)")
    }

    @Test("a list reads the same from the command line (--notifier-regions 04,06), the environment, or the file as text or as a JSON array")
    func listOnTheCommandLine() async throws {
        let given = try await Settings.load(arguments: ["iblagh-notifier", "--notifier-regions", "04,06"], environment: [:])
        #expect(try given.requiredString("notifier.regions") == "04,06")
        let environment = try await Settings.load(arguments: ["iblagh-notifier"], environment: ["NOTIFIER_REGIONS": "04,06"])
        #expect(try environment.requiredString("notifier.regions") == "04,06")
        let one = try await Settings.load(arguments: ["iblagh-notifier", "--notifier-regions", "04"], environment: [:])
        #expect(try one.requiredString("notifier.regions") == "04")
        let file = "\(try temporaryDirectory())/notifier.json"
        try #"{"notifier": {"regions": ["04", "06"]}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let array = try await Settings.load(arguments: ["iblagh-notifier", "--config", file], environment: [:])
        #expect(try array.requiredString("notifier.regions") == "04,06")
    }

    @Test("a notifier given the same region twice stops, naming it")
    func regionNamedTwice() async throws {
        let result = try await run(builtExecutable("iblagh-notifier"), ["--notifier-regions", "04,06,04"], timeout: 60)
        #expect(result.status == 1 && result.error.contains("notifier.regions") && result.error.contains("\"04\" is named twice"), "\(result.error)")
    }

    @Test("--check reads intake's settings and the files they name, then stops: 0 when valid, else 1 and the setting; nothing opened")
    func checkOnly() async throws {
        let intake = try await IntakeFixture()
        let database = "\(intake.directory)/checked.db"
        let settings = ["--config", "\(intake.directory)/intake.json", "--intake-database", database, "--check"]
        let valid = try await run(builtExecutable("iblagh-intake"), settings, timeout: 60)
        #expect(valid.status == 0 && valid.output == "iblagh-intake: the configuration is valid (the store and the endpoints are not opened)\n", "\(valid)")
        // Its ports are the running instance's: --check binds nothing.
        #expect(!FileManager.default.fileExists(atPath: database))
        try "not a key\n".write(toFile: "\(intake.directory)/broken.keys", atomically: true, encoding: .utf8)
        let broken = try await run(builtExecutable("iblagh-intake"), settings + ["--intake-data-key", "\(intake.directory)/broken.keys"], timeout: 60)
        #expect(broken.status == 1 && broken.error.hasPrefix("iblagh-intake: configuration intake.dataKey: "), "\(broken.error)")
        #expect(broken.output.isEmpty)
    }

    @Test("a port another process holds, or an address not on this machine, stops the service before it is ready, naming the setting and the address")
    func portTaken() async throws {
        let intake = try await IntakeFixture()
        let held = try HeldPort()
        for (key, settings, address, problem) in [
            ("intake.bus.endpoint", ["bus": ["endpoint": held.endpoint]], "127.0.0.1:\(held.port)", "in use"),
            ("intake.dispatch.endpoint", ["dispatch": ["endpoint": held.endpoint]], "127.0.0.1:\(held.port)", "in use"),
            ("intake.http.port", ["http": ["host": "127.0.0.1", "port": held.port]], "127.0.0.1:\(held.port)", "in use"),
            ("intake.http.host", ["http": ["host": "192.0.2.1", "port": 0]], "192.0.2.1:0", "assign requested address"),
        ] {
            try? FileManager.default.removeItem(atPath: intake.logPath)
            await #expect(throws: ProcessTestError.self) { try await intake.crashAndRestart(adding: settings) }
            #expect(intake.process.process.wait() == 1)
            let line = try String(contentsOfFile: intake.logPath, encoding: .utf8).split(separator: "\n").last.map(String.init) ?? ""
            #expect(line.hasPrefix("iblagh-intake: configuration \(key): ") && line.contains(address) && line.contains(problem), "\(line)")
        }
    }

    @Test("a configuration file that is missing, or not JSON, is named with what is wrong with it, in words and on one line")
    func badConfigurationFile() async throws {
        let directory = try temporaryDirectory()
        let broken = "\(directory)/router.json"
        try #"{"router": {"http": {"port": 8202}"#.write(toFile: broken, atomically: true, encoding: .utf8)
        for (file, problem) in [("\(directory)/absent.json", "does not exist"), (broken, "not JSON: ")] {
            let result = try await run(builtExecutable("iblagh-router"), ["--config", file], timeout: 60)
            #expect(result.status == 1)
            let line = result.error.trimmingCharacters(in: .newlines)
            #expect(line.hasPrefix("iblagh-router: ") && line.contains(file) && line.contains(problem), "\(line)")
            #expect(!line.contains("\n") && !line.contains("NSCocoaErrorDomain") && !line.contains("UserInfo"), "\(line)")
        }
    }
}
