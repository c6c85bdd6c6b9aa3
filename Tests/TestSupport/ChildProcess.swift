import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process a test starts, through `posix_spawn` rather than Foundation's `Process`.
///
/// Two reasons. Foundation's `Process.run()` on Linux lists `/proc/self/fd` with a 256-byte over-read of each
/// directory entry (swift-corelibs-foundation#5472, in Swift 6.3.1): with over ~1,300 descriptors open — a test
/// process running many hops, databases and services in parallel has that many — it crashes the whole test run now
/// and then. And a child started here inherits nothing but its three standard streams: no test's sockets, pipes or
/// database files leak into another test's service, and the parent opens no file for a child's output (the child
/// opens it), so nothing accumulates in the test process either.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `exit` is guarded by `lock`; everything else is immutable.

    /// Where one of the child's output streams goes.
    public enum Output: Sendable {
        /// The test process's own stream.
        case inherit
        case discard
        /// A file the child opens: truncated, or appended to (a restarted service's log continues).
        case file(String, append: Bool = false)
        /// A pipe the test reads (``outputPipe``, ``errorPipe``).
        case pipe
    }

    public let pid: pid_t
    /// The read ends of `.pipe` outputs; the caller reads and closes them.
    public let outputPipe: Int32?
    public let errorPipe: Int32?
    private let lock = NSLock()
    private var exit: Int32?

    /// Starts `executable` with `arguments`, this process's environment with `environment` laid over it, standard
    /// input from /dev/null.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        output: Output = .inherit, error: Output = .inherit
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var opened: [Int32] = []  // pipe ends to close in the parent after the spawn
        defer { opened.forEach { close($0) } }

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        func redirect(_ output: Output, to target: Int32) throws -> Int32? {
            switch output {
            case .inherit:
                return nil
            case .discard:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .file(let path, let append):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
            case .pipe:
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { throw ProcessTestError("pipe: \(String(cString: strerror(errno)))") }
                ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
                opened.append(ends[1])
                posix_spawn_file_actions_adddup2(&actions, ends[1], target)  // dup2 clears close-on-exec
                return ends[0]
            }
            return nil
        }
        let outputEnd = try redirect(output, to: 1)
        let errorEnd: Int32?
        do {
            errorEnd = try redirect(error, to: 2)
        } catch {
            outputEnd.map { _ = close($0) }
            throw error
        }
        _ = Self.closeFrom3?(&actions, 3)

        // No signal blocked and every one at its default, whatever the spawning thread has: a thread of the test
        // process may block signals, and a service that inherited a blocked SIGTERM would never stop.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var pid: pid_t = 0
        let status = withCStrings([executable] + arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        guard status == 0 else {
            [outputEnd, errorEnd].compactMap { $0 }.forEach { close($0) }
            throw ProcessTestError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        self.outputPipe = outputEnd
        self.errorPipe = errorEnd
    }

    /// Whether it has not exited yet (reaping it when it has).
    public var isRunning: Bool { reap() == nil }

    /// Its exit status, or for a process killed by a signal the signal's number (as Foundation's `Process`).
    /// Waits for the exit.
    @discardableResult
    public func wait() -> Int32 {
        while true {
            if let status = reap() { return status }
            usleep(2_000)
        }
    }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Collects the exit once; `waitpid` is never called again for a reaped pid (it may belong to another process
    /// by then).
    private func reap() -> Int32? {
        lock.withLock {
            if let exit { return exit }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            let signal = status & 0x7f
            exit = signal == 0 ? (status >> 8) & 0xff : signal
            return exit
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not
    /// export: looked up once.
    private static let closeFrom3: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()
}

/// `strings` as a NULL-terminated C array, for `argv` and `envp`.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

extension ChildProcess {
    /// Reads both pipes to their end at once (a chatty child must never block on a full pipe) and closes them;
    /// `timedOut` when `deadline` came first.
    func readPipesToEnd(before deadline: Date) -> (output: Data, error: Data, timedOut: Bool) {
        var buffers: [Int32: Data] = [:]
        var open = [outputPipe, errorPipe].compactMap { $0 }
        for fd in open { buffers[fd] = Data() }
        defer { open.forEach { close($0) } }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { break }
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), Int32(min(left, 1) * 1000) + 1) >= 0 || errno == EINTR else { break }
            for entry in polled where entry.revents != 0 {
                let count = read(entry.fd, &chunk, chunk.count)
                if count > 0 {
                    buffers[entry.fd]?.append(contentsOf: chunk[0..<count])
                } else if count == 0 || errno != EINTR {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        let output = outputPipe.flatMap { buffers[$0] } ?? Data(), error = errorPipe.flatMap { buffers[$0] } ?? Data()
        return (output, error, !open.isEmpty)
    }
}
