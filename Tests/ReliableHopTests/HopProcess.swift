import Foundation
import Testing
import TestSupport

/// A harness process (`hop-harness produce|consume`) started for a test, killed with SIGKILL on demand and always
/// stopped at the end.
final class HopProcess: @unchecked Sendable {
    // @unchecked: `process` is replaced only by `restart`, which tests call from one task at a time.
    private(set) var arguments: [String]
    let outputPath: String
    private(set) var process: Process

    init(_ arguments: [String], outputPath: String) throws {
        self.arguments = arguments
        self.outputPath = outputPath
        self.process = try Self.launch(arguments, outputPath: outputPath)
    }

    private static func launch(_ arguments: [String], outputPath: String) throws -> Process {
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: harnessPath)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = FileHandle.standardError
        try process.run()
        return process
    }

    /// Waits until the process printed a line starting with `prefix`; returns that line.
    func waitForLine(_ prefix: String, within seconds: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            if !process.isRunning { throw HopTestError("process \(arguments.first ?? "") exited with \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HopTestError("no \"\(prefix)\" line from \(arguments.first ?? "") within \(seconds) s")
    }

    /// kill -9, as a crash would.
    func crash() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts the process again with the same arguments (same database, same keys); `endpoint` pins the port a
    /// first start chose with `tcp://127.0.0.1:*`, so peers reconnect to the same place.
    func restart(endpoint: String? = nil) throws {
        if process.isRunning { crash() }
        if let endpoint, let index = arguments.firstIndex(of: "--endpoint") { arguments[index + 1] = endpoint }
        process = try Self.launch(arguments, outputPath: outputPath)
    }

    func stop() {
        if process.isRunning { crash() }
    }
}

struct HopTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

var harnessPath: String { builtExecutable("HopHarness") }
