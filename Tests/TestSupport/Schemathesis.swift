import Foundation
import Testing

/// Schemathesis (from PyPI; the README's test command installs it) against a real service: every check on every
/// operation of one of docs/openapi/*.json, following the description's links (a report, then its status and its
/// evidence). Tests/APIConformance holds its configuration and the hooks for what JSON Schema cannot say.
///
/// The seed is fixed, so a run is repeatable; `IBLAGH_SCHEMATHESIS_SEED` picks another and
/// `IBLAGH_SCHEMATHESIS_EXAMPLES` sets the examples per operation, for a longer hunt (docs/reliability.md).
public enum Schemathesis {
    public static let folder = OpenAPIDocument.repository.appendingPathComponent("Tests/APIConformance").path

    /// Runs it against `http://127.0.0.1:port`; returns what it printed (its summary names each failure with a
    /// `curl` line that reproduces it).
    public static func check(_ description: String, port: Int, scratch: String) async throws -> CommandResult {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["IBLAGH_SCHEMATHESIS_SEED"] ?? "20261201"
        let examples = environment["IBLAGH_SCHEMATHESIS_EXAMPLES"] ?? "40"
        let result = try await run("/usr/bin/env", [
            "python3", "-m", "schemathesis.cli", "--no-color", "--config-file", "\(folder)/schemathesis.toml",
            "run", OpenAPIDocument.repository.appendingPathComponent("docs/openapi/\(description)").path,
            "--url", "http://127.0.0.1:\(port)", "--workers", "1", "--seed", seed, "--max-examples", examples,
        ], timeout: 600, environment: ["PYTHONPATH": folder, "HYPOTHESIS_STORAGE_DIRECTORY": "\(scratch)/hypothesis"])
        if result.error.contains("No module named schemathesis") {
            Issue.record("Schemathesis is not installed: run the tests through the README's test command (deploy/test.sh)")
        }
        return result
    }
}
