import Foundation
import Testing

/// Runs a real process to completion and captures what it printed.
public struct CommandResult: Sendable {
    public let status: Int32
    public let output: String
    public let error: String
}

public func run(
    _ executable: String, _ arguments: [String], timeout: Double = 120, environment: [String: String] = [:]
) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    // Read before waiting so a chatty process never blocks on a full pipe.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    while process.isRunning {
        if Date() > deadline {
            process.terminate()
            Issue.record("\(executable) \(arguments) did not finish within \(timeout) s")
        }
        usleep(10_000)
    }
    return CommandResult(
        status: process.terminationStatus,
        output: String(decoding: outData, as: UTF8.self),
        error: String(decoding: errData, as: UTF8.self))
}

/// An executable of this package, built beside the test bundle.
/// ``run(_:_:timeout:environment:)`` on a thread of its own: a command that takes seconds must not hold one of the
/// few threads Swift concurrency shares (on 2 cores, two such waits starve every other test's timers and heartbeats).
public func runDetached(
    _ executable: String, _ arguments: [String], timeout: Double = 120, environment: [String: String] = [:]
) async throws -> CommandResult {
    try await detached { try run(executable, arguments, timeout: timeout, environment: environment) }
}

/// Blocking work (a process, a socket that waits) on a thread of its own, never on Swift concurrency's shared pool.
public func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

public func builtExecutable(_ name: String) -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
}

/// The `iblagh` command-line tool.
public var iblaghPath: String { builtExecutable("iblagh") }

/// A fresh directory for one test.
public func temporaryDirectory(_ name: String = #function) throws -> String {
    let path = NSTemporaryDirectory() + "iblagh-test-\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs a Python snippet with pyzmq; the README's test command installs pyzmq, so its absence is a failure.
public func python(_ script: String) throws -> CommandResult {
    let result = try run("/usr/bin/env", ["python3", "-c", script])
    if result.error.contains("No module named 'zmq'") {
        Issue.record("pyzmq is not installed: run the tests through the README's test command (deploy/test.sh)")
    }
    return result
}
