import Foundation
import IblaghCrypto
import Testing
import TestSupport

@Suite("Intake refuses bad settings with the key's name")
struct ConfigurationTests {
    @Test("a missing, malformed or out-of-range setting stops intake with a message naming the key", arguments: [
        (["--intake-http-port", "eighty"], "intake.http.port"),
        (["--intake-http-port", "70000"], "intake.http.port"),
        ([String](), "intake.key"),
    ])
    func badSettingNamesTheKey(_ arguments: [String], _ key: String) async throws {
        let result = try await run(builtExecutable("iblagh-intake"), arguments, timeout: 60)
        #expect(result.status != 0)
        #expect(result.error.contains(key), "\(result.error)")
    }

    @Test("a configuration file that is not JSON is refused, naming the file")
    func badFile() async throws {
        let directory = try temporaryDirectory()
        try "{ not json".write(toFile: "\(directory)/bad.json", atomically: true, encoding: .utf8)
        let result = try await run(builtExecutable("iblagh-intake"), ["--config", "\(directory)/bad.json"], timeout: 60)
        #expect(result.status != 0)
        #expect(result.error.contains("bad.json"))
    }

    @Test("a misspelt key in the file or on the command line is refused by name, not ignored")
    func unknownKeys() async throws {
        let intake = try await IntakeFixture()
        let valid = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(intake.directory)/intake.json"))) as? [String: Any] ?? [:]
        var section = valid["intake"] as? [String: Any] ?? [:]
        section["databse"] = "\(intake.directory)/elsewhere.db"
        var typo = valid
        typo["intake"] = section
        try JSONSerialization.data(withJSONObject: typo).write(to: URL(fileURLWithPath: "\(intake.directory)/typo.json"))
        let fromFile = try await run(builtExecutable("iblagh-intake"), ["--config", "\(intake.directory)/typo.json"], timeout: 60)
        #expect(fromFile.status != 0)
        #expect(fromFile.error.contains("intake.databse") && fromFile.error.contains("docs/configuration.md"), "\(fromFile.error)")
        let fromArguments = try await run(
            builtExecutable("iblagh-intake"), ["--config", "\(intake.directory)/intake.json", "--intake-htpp-port", "9"], timeout: 60)
        #expect(fromArguments.status != 0)
        #expect(fromArguments.error.contains("--intake-htpp-port"), "\(fromArguments.error)")
        #expect(!FileManager.default.fileExists(atPath: "\(intake.directory)/elsewhere.db"))
    }

    @Test("receipt hashes: the secret matches, another does not, and the cost is checked")
    func receiptHash() throws {
        let cost = ReceiptHash.Cost(n: 1 << 10)
        let hash = try ReceiptHash(hashing: "7K3Q9-XWD2M-AAAAA-BBBBB", cost: cost)
        #expect(hash.matches("7K3Q9-XWD2M-AAAAA-BBBBB"))
        #expect(!hash.matches("7K3Q9-XWD2M-AAAAA-BBBBC"))
        #expect(hash.salt.count == 16 && hash.hash.count == 32)
        #expect(throws: CryptoError.self) { try ReceiptHash(hashing: "x", cost: .init(n: 1000)) }
    }
}
