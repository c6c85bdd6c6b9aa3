import CZeroMQ
import Foundation
import Synchronization

/// A thread of its own that owns a set of ZeroMQ sockets: it polls them and runs the jobs of every actor bound to
/// it, so socket calls never leave the thread and never block Swift's cooperative pool.
///
/// An actor binds to a loop by returning `loop.asUnownedSerialExecutor()` from `unownedExecutor`; its methods
/// then run on the loop thread, where it may use its sockets directly. A socket is watched with
/// ``watch(_:events:handler:)``; the handler runs on the loop thread when the socket is ready (level-triggered,
/// through `zmq_poll` — never `ZMQ_FD` in an event loop) and may enter its actor with `assumeIsolated`.
///
/// Async callers wake the loop through an eventfd polled beside the sockets.
public final class PollLoop: SerialExecutor, @unchecked Sendable {
    // @unchecked: `queue` is guarded by its Mutex; `watches` and `pollItems` are touched only on the loop thread
    // (checked by preconditions); the rest is immutable after init.

    public let name: String
    private let wakeFD: Int32
    private let queue = Mutex(Queue())
    private var watches: [Watch] = []
    private var watchesChanged = true
    private var pollItems: [zmq_pollitem_t] = []
    /// Timers (loop thread only), soonest last.
    private var timers: [(deadline: ContinuousClock.Instant, body: () -> Void)] = []
    /// After the thread ends, late jobs still run one at a time here so an actor never runs concurrently.
    private let afterlife = DispatchQueue(label: "iblagh.pollloop.afterlife")
    private let finished = DispatchSemaphore(value: 0)

    private struct Queue {
        var jobs: [UnownedJob] = []
        var blocks: [@Sendable () -> Void] = []
        var signaled = false
        var stopping = false
        var ended = false
    }

    private final class Watch {
        let socket: ZMQSocket
        var events: PollEvents
        let handler: (PollEvents) -> Void
        init(socket: ZMQSocket, events: PollEvents, handler: @escaping (PollEvents) -> Void) {
            self.socket = socket
            self.events = events
            self.handler = handler
        }
    }

    /// Starts the loop's thread, named `name` (visible in `top -H` and debuggers).
    public init(name: String) {
        self.name = name
        self.wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(wakeFD >= 0, "eventfd failed: \(String(cString: strerror(errno)))")
        Thread { [self] in run() }.start()
    }

    deinit {
        close(wakeFD)
    }

    // MARK: Executor

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let (wake, ended) = queue.withLock { state -> (Bool, Bool) in
            if state.ended { return (false, true) }
            state.jobs.append(job)
            defer { state.signaled = true }
            return (!state.signaled, false)
        }
        if ended {
            afterlife.async { [self] in runMarked { job.runSynchronously(on: asUnownedSerialExecutor()) } }
        } else if wake {
            signal()
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        precondition(isCurrent, "not on poll loop \(name)")
    }

    public func isIsolatingCurrentContext() -> Bool? {
        isCurrent
    }

    /// Whether the caller is running on this loop (its thread, or its afterlife queue once stopped).
    public var isCurrent: Bool {
        pthread_getspecific(Self.currentKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Runs `body` on the loop thread, soon.
    public func execute(_ body: @escaping @Sendable () -> Void) {
        let (wake, ended) = queue.withLock { state -> (Bool, Bool) in
            if state.ended { return (false, true) }
            state.blocks.append(body)
            defer { state.signaled = true }
            return (!state.signaled, false)
        }
        if ended {
            afterlife.async { [self] in runMarked(body) }
        } else if wake {
            signal()
        }
    }

    // MARK: Sockets (loop thread only)

    /// Calls `handler` on the loop thread whenever `socket` is ready for `events`. The loop keeps the socket
    /// alive until ``unwatch(_:)`` or ``stop()``; the handler should drain what is ready (or a bounded batch).
    public func watch(_ socket: ZMQSocket, events: PollEvents = .readable, handler: @escaping (PollEvents) -> Void) {
        checkIsolated()
        watches.removeAll { $0.socket === socket }
        watches.append(Watch(socket: socket, events: events, handler: handler))
        watchesChanged = true
    }

    /// Changes which events wake the handler of a watched socket (e.g. add `.writable` while a send waits).
    public func setEvents(_ events: PollEvents, for socket: ZMQSocket) {
        checkIsolated()
        guard let watch = watches.first(where: { $0.socket === socket }), watch.events != events else { return }
        watch.events = events
        watchesChanged = true
    }

    /// Stops watching `socket` and releases the loop's reference to it.
    public func unwatch(_ socket: ZMQSocket) {
        checkIsolated()
        watches.removeAll { $0.socket === socket }
        watchesChanged = true
    }

    // MARK: Timers (loop thread only)

    /// Runs `body` on the loop thread at `deadline`, or within about a millisecond after it (`zmq_poll` waits in
    /// whole milliseconds). A short wait scheduled here wakes only the loop's thread; `Task.sleep` wakes a thread of
    /// Swift's pool, which then wakes the loop.
    public func schedule(at deadline: ContinuousClock.Instant, _ body: @escaping () -> Void) {
        checkIsolated()
        let index = timers.firstIndex { $0.deadline < deadline } ?? timers.endIndex
        timers.insert((deadline, body), at: index)
    }

    /// Runs the timers that are due; whether any ran.
    private func fireTimers() -> Bool {
        let now = ContinuousClock.now
        var fired = false
        while let timer = timers.last, timer.deadline <= now {
            timers.removeLast()
            timer.body()
            fired = true
        }
        return fired
    }

    /// How long `zmq_poll` may wait: until the soonest timer (rounded up to a millisecond), or for ever (-1).
    private var pollTimeout: Int {
        guard let soonest = timers.last else { return -1 }
        let wait = ContinuousClock.now.duration(to: soonest.deadline)
        return wait <= .zero ? 0 : Int((wait + .microseconds(999)) / .milliseconds(1))
    }

    // MARK: Lifecycle

    /// Ends the loop: queued jobs run, watched sockets are released (closed unless referenced elsewhere), and the
    /// thread exits. Jobs that arrive later still run, one at a time, off the thread. Waits for the thread to end
    /// unless called on the loop itself.
    public func stop() {
        let first = queue.withLock { state -> Bool in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        signal()
        if !isCurrent { finished.wait() }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run() {
        // Foundation's `Thread.name` does not reach the kernel on Linux: `top -H` and `perf` showed every loop as
        // the pool thread it was started from. The kernel keeps 15 bytes.
        try? String(name.prefix(15)).write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        var ready: [(Watch, PollEvents)] = []
        while true {
            let (jobs, blocks, stopping) = queue.withLock { state in
                defer {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.blocks.removeAll(keepingCapacity: true)
                    state.signaled = false
                }
                return (state.jobs, state.blocks, state.stopping)
            }
            for job in jobs { job.runSynchronously(on: asUnownedSerialExecutor()) }
            for block in blocks { block() }
            if stopping && jobs.isEmpty && blocks.isEmpty { break }
            if !jobs.isEmpty || !blocks.isEmpty { continue }  // jobs may have queued more work or changed watches
            if fireTimers() { continue }

            if watchesChanged {
                pollItems = [zmq_pollitem_t(socket: nil, fd: wakeFD, events: Int16(ZMQ_POLLIN), revents: 0)]
                pollItems += watches.map {
                    zmq_pollitem_t(socket: $0.socket.handle, fd: 0, events: $0.events.rawValue, revents: 0)
                }
                watchesChanged = false
            }
            let count = zmq_poll(&pollItems, Int32(pollItems.count), pollTimeout)
            if count < 0 {
                if zmq_errno() == EINTR { continue }
                // ETERM: the context is ending; nothing more can be polled.
                break
            }
            if pollItems[0].revents != 0 {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
            }
            ready.removeAll(keepingCapacity: true)
            for (index, watch) in watches.enumerated() where pollItems[index + 1].revents != 0 {
                ready.append((watch, PollEvents(rawValue: pollItems[index + 1].revents)))
            }
            for (watch, events) in ready where watches.contains(where: { $0 === watch }) {
                watch.handler(events)
            }
        }
        watches.removeAll()
        pollItems.removeAll()
        timers.removeAll()
        // From here on jobs run on the afterlife queue; hand it anything enqueued since the last drain, in order,
        // so no job of an actor bound to this loop ever runs beside another.
        let (jobs, blocks) = queue.withLock { state in
            state.ended = true
            defer { state.jobs.removeAll(); state.blocks.removeAll() }
            return (state.jobs, state.blocks)
        }
        pthread_setspecific(Self.currentKey, nil)
        if !jobs.isEmpty || !blocks.isEmpty {
            afterlife.async { [self] in
                runMarked {
                    for job in jobs { job.runSynchronously(on: asUnownedSerialExecutor()) }
                    for block in blocks { block() }
                }
            }
        }
        finished.signal()
    }

    private func runMarked(_ body: () -> Void) {
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        body()
        pthread_setspecific(Self.currentKey, nil)
    }

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
