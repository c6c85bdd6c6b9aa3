import Foundation

/// A process of this package (a service, the hop harness) started for a test: its standard output goes to a file
/// the test reads, it can be killed with SIGKILL and restarted, and it is always stopped at the end.
public final class ServiceProcess: @unchecked Sendable {
    // @unchecked: `process` is replaced only by `restart`, which tests call from one task at a time.
    public private(set) var arguments: [String]
    public let executable: String
    public let outputPath: String
    /// Standard error goes here when set (tests that read the logs), else to the test's own.
    public let errorPath: String?
    public private(set) var process: ChildProcess

    public init(_ executable: String, _ arguments: [String], outputPath: String, errorPath: String? = nil) throws {
        self.executable = executable
        self.arguments = arguments
        self.outputPath = outputPath
        self.errorPath = errorPath
        self.process = try Self.launch(executable, arguments, outputPath: outputPath, errorPath: errorPath)
    }

    /// Standard output to a fresh file; standard error appended to its log (a restart's log continues).
    private static func launch(_ executable: String, _ arguments: [String], outputPath: String, errorPath: String?) throws -> ChildProcess {
        // Services exit when the test runner is gone, even if it was killed before it could stop them.
        try ChildProcess(
            executable, arguments, environment: ["IBLAGH_EXIT_WITH_PARENT": "1"],
            output: .file(outputPath), error: errorPath.map { .file($0, append: true) } ?? .inherit)
    }

    /// Waits until the process printed a line starting with `prefix`; returns that line.
    public func waitForLine(_ prefix: String, within seconds: Double = 60) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            if !process.isRunning { throw ProcessTestError("\(executable) \(arguments.first ?? "") exited with \(process.wait())") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessTestError("no \"\(prefix)\" line from \(executable) within \(seconds) s")
    }

    /// kill -9, as a crash would.
    public func crash() {
        process.signal(SIGKILL)
        process.wait()
    }

    /// SIGTERM, as an operator or a supervisor stops a service; waits up to `seconds` for the exit and returns its
    /// status (nil: still running then).
    public func terminate(within seconds: Double = 20) async -> Int32? {
        process.signal(SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.wait()
    }

    /// Starts the process again with the same arguments (same database, same keys); `endpoint` pins the port a
    /// first start chose with `tcp://127.0.0.1:*`, so peers reconnect to the same place.
    public func restart(endpoint: String? = nil) throws {
        if process.isRunning { crash() }
        if let endpoint, let index = arguments.firstIndex(of: "--endpoint") { arguments[index + 1] = endpoint }
        process = try Self.launch(executable, arguments, outputPath: outputPath, errorPath: errorPath)
    }

    /// Replaces the value after `option` for the next restart (e.g. pin a port chosen at the first start).
    public func setArgument(_ option: String, _ value: String) {
        if let index = arguments.firstIndex(of: option) { arguments[index + 1] = value } else { arguments += [option, value] }
    }

    public func stop() {
        if process.isRunning { crash() }
    }
}

/// A test's expectation about processes that did not hold.
public struct ProcessTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `body`'s result, or nil when it takes longer than `limit`.
public func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
