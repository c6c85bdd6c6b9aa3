import Foundation
import Testing

/// Runs a real process to completion and captures what it printed.
public struct CommandResult: Sendable {
    public let status: Int32
    public let output: String
    public let error: String
}

/// Runs `executable` to completion on a thread of its own and returns what it printed: a command that takes
/// seconds must not hold one of the few threads Swift concurrency shares (on 2 cores, two such waits starve every
/// other test's timers, heartbeats and in-process hops).
public func run(
    _ executable: String, _ arguments: [String], timeout: Double = 120, environment: [String: String] = [:]
) async throws -> CommandResult {
    try await detached { try runBlocking(executable, arguments, timeout: timeout, environment: environment) }
}

/// ``run(_:_:timeout:environment:)`` on the calling thread, for code that is not async (a clean-up at exit).
@available(*, noasync, message: "blocks a thread Swift concurrency shares: use run(_:_:) with await")
public func runBlocking(
    _ executable: String, _ arguments: [String], timeout: Double = 120, environment: [String: String] = [:]
) throws -> CommandResult {
    let process = try ChildProcess(executable, arguments, environment: environment, output: .pipe, error: .pipe)
    let printed = process.readPipesToEnd(before: Date().addingTimeInterval(timeout))
    if printed.timedOut {
        process.signal(SIGKILL)
        Issue.record("\(executable) \(arguments) did not finish within \(timeout) s")
    }
    return CommandResult(
        status: process.wait(),
        output: String(decoding: printed.output, as: UTF8.self),
        error: String(decoding: printed.error, as: UTF8.self))
}

/// Blocking work (a process, a socket that waits) on a thread of its own, never on Swift concurrency's shared pool.
public func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// An executable of this package, built beside the test bundle.
public func builtExecutable(_ name: String) -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
}

/// The `iblagh` command-line tool.
public var iblaghPath: String { builtExecutable("iblagh") }

/// Runs a Python snippet with pyzmq; the README's test command installs pyzmq, so its absence is a failure.
public func python(_ script: String) async throws -> CommandResult {
    let result = try await run("/usr/bin/env", ["python3", "-c", script])
    if result.error.contains("No module named 'zmq'") {
        Issue.record("pyzmq is not installed: run the tests through the README's test command (deploy/test.sh)")
    }
    return result
}
