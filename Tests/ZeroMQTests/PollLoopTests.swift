import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

/// An actor whose methods run on a poll loop, as services' socket-owning actors do.
actor LoopBound {
    nonisolated let loop: PollLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    private var counter = 0
    init(loop: PollLoop) { self.loop = loop }

    func increment() -> (Int, Bool) {
        counter += 1
        return (counter, loop.isCurrent)
    }
}

@Suite("The poll loop: sockets and actors on a thread of their own")
struct PollLoopTests {
    @Test("an actor bound to a loop runs on the loop thread, one job at a time")
    func actorRunsOnLoop() async throws {
        let loop = PollLoop(name: "test-actor")
        let bound = LoopBound(loop: loop)
        #expect(!loop.isCurrent)
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for _ in 0..<1000 { group.addTask { await bound.increment() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.1 })
        #expect(Set(results.map(\.0)) == Set(1...1000))  // no lost update: jobs never overlapped
        loop.stop()
        // After stop, jobs still run, serially and reported as isolated.
        let after = await bound.increment()
        #expect(after.0 == 1001)
        #expect(after.1)
    }

    @Test("timers run on the loop thread, soonest first, never before their deadline, while the loop waits in zmq_poll")
    func timers() async throws {
        let loop = PollLoop(name: "test-timers")
        defer { loop.stop() }
        let fired = Mutex<[(name: String, late: Duration, onLoop: Bool)]>([])
        let start = ContinuousClock.now
        loop.execute {
            for (name, after) in [("third", 60), ("first", 20), ("second", 40)] {
                let deadline = start + .milliseconds(after)
                loop.schedule(at: deadline) {
                    fired.withLock { $0.append((name, ContinuousClock.now - deadline, loop.isCurrent)) }
                }
            }
        }
        for _ in 0..<500 where fired.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        let runs = fired.withLock { $0 }
        #expect(runs.map(\.name) == ["first", "second", "third"])
        #expect(runs.allSatisfy { $0.late >= .zero && $0.onLoop }, "\(runs)")
    }

    @Test("a cancelled receive throws CancellationError and the socket keeps working")
    func cancelledReceive() async throws {
        let context = try ZMQContext()
        let loop = PollLoop(name: "test-cancel")
        let pull = try context.socket(.pull)
        try pull.bind("inproc://cancel")
        let push = try context.socket(.push)
        try push.connect("inproc://cancel")
        let receiver = await AsyncSocket(pull, loop: loop)
        let sender = await AsyncSocket(push, loop: loop)

        let waiting = Task { try await receiver.receive() }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }

        try await sender.send(Multipart(strings: ["after cancel"]))
        let message = try await withDeadline(20) { try await receiver.receive() }
        #expect(message.frames == [Array("after cancel".utf8)])
        await receiver.close()
        await sender.close()
        loop.stop()
    }

    @Test("receive(before:) never drops a message that arrives as its deadline passes")
    func timedReceiveLosesNothing() async throws {
        let context = try ZMQContext()
        let loop = PollLoop(name: "test-deadline")
        let pull = try context.socket(.pull)
        try pull.bind("inproc://deadline")
        let push = try context.socket(.push)
        try push.connect("inproc://deadline")
        let receiver = await AsyncSocket(pull, loop: loop)
        let count = 3_000
        // The sender trickles messages from its own loop while the receiver waits with deadlines about as long as
        // the gaps, so deadlines and arrivals race thousands of times.
        let senderLoop = PollLoop(name: "test-deadline-send")
        let sender = await AsyncSocket(push, loop: senderLoop)
        final class Progress: Sendable {
            let received = Atomic<Int>(0)
            let timeouts = Atomic<Int>(0)
        }
        let progress = Progress()
        let sending = Task {
            for index in 0..<count {
                try await sender.send(Multipart(strings: ["\(index)"]))
                if index % 3 == 0 { try await Task.sleep(for: .microseconds(Int.random(in: 0...200))) }
                // Now and then the sender waits until the receiver has caught up and then until one of its deadlines
                // has passed — with nothing in flight one must — so deadlines do pass however far a loaded machine
                // lets the sender run ahead. (Time-boxed waits here once let a whole run in CI go by with one
                // timeout: the test process's threads, sharing 2 cores with dozens of services under test, took
                // 10 ms a message, and the waits ran out first.)
                if index % 300 == 299, index < count - 1 {
                    let waitUntil = Date().addingTimeInterval(60)
                    while progress.received.load(ordering: .relaxed) <= index, Date() < waitUntil {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    let before = progress.timeouts.load(ordering: .relaxed)
                    while progress.timeouts.load(ordering: .relaxed) == before, Date() < waitUntil {
                        try await Task.sleep(for: .milliseconds(1))
                    }
                }
            }
        }
        var received = 0, timeouts = 0
        // Racing until everything has come, or for 3 minutes if a message is lost (that fails below).
        let deadline = Date().addingTimeInterval(180)
        while received < count, Date() < deadline {
            if try await receiver.receive(before: .now + .microseconds(Int.random(in: 20...300))) != nil {
                received += 1
                progress.received.store(received, ordering: .relaxed)
            } else {
                timeouts += 1
                progress.timeouts.store(timeouts, ordering: .relaxed)
            }
        }
        // Whatever was not received while racing must still be there: a message dropped by a deadline never comes.
        let raced = received
        while received < count {
            do {
                _ = try await withDeadline(20) { try await receiver.receive() }
                received += 1
            } catch {
                break
            }
        }
        #expect(received == count, "\(count - received) messages lost across \(timeouts) deadlines (\(raced) received while racing)")
        #expect(timeouts >= 3, "the deadlines did not race the arrivals (\(timeouts) timeouts)")
        try await sending.value
        await receiver.close()
        await sender.close()
        loop.stop()
        senderLoop.stop()
    }

    @Test("send waits while the peer's queue is full and completes, in order, once the reader drains it")
    func sendWaitsForRoom() async throws {
        let context = try ZMQContext()
        let loop = PollLoop(name: "test-hwm")
        let pull = try context.socket(.pull)
        try pull.setReceiveHighWaterMark(10)
        try pull.bind("inproc://hwm")
        let push = try context.socket(.push)
        try push.setSendHighWaterMark(10)
        try push.connect("inproc://hwm")
        let receiver = await AsyncSocket(pull, loop: loop)
        let sender = await AsyncSocket(push, loop: loop)

        let total = 500
        let sending = Task {
            for index in 0..<total { try await sender.send(Multipart(strings: ["\(index)"])) }
        }
        _ = try await withDeadline(20) {
            while await sender.waitingSends == 0 { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(try await !sender.trySend(Multipart(strings: ["extra"])))  // full: the backlog waits, nothing dropped
        var received: [String] = []
        while received.count < total {
            let batch = try await withDeadline(20) { try await receiver.receive(upTo: 64) }
            received += batch.map { String(decoding: $0.frames[0], as: UTF8.self) }
        }
        try await sending.value
        #expect(received == (0..<total).map(String.init))
        await receiver.close()
        await sender.close()
        loop.stop()
    }

    @Test("closing an AsyncSocket fails its waiting receivers instead of leaving them hanging")
    func closeFailsWaiters() async throws {
        let context = try ZMQContext()
        let loop = PollLoop(name: "test-close")
        let pull = try context.socket(.pull)
        try pull.bind("inproc://close")
        let receiver = await AsyncSocket(pull, loop: loop)
        let waiting = Task { try await receiver.receive() }
        try await Task.sleep(for: .milliseconds(20))
        await receiver.close()
        await #expect(throws: ZMQError.self) { try await waiting.value }
        await #expect(throws: ZMQError.self) { try await receiver.receive() }
        loop.stop()
    }
}

@Suite("The libzmq this process runs with")
struct LibraryTests {
    @Test("this machine's libzmq is supported: 4.3.4 or newer, with CURVE")
    func currentLibraryIsSupported() throws {
        #expect(ZMQLibrary.version >= ZMQLibrary.minimumVersion)
        #expect(ZMQLibrary.hasCurve)
        try ZMQLibrary.requireSupported()
    }

    @Test("an older libzmq or one without CURVE is refused with a message saying what is needed")
    func unsupportedLibrariesAreRefused() {
        do {
            try ZMQLibrary.requireSupported(version: .init(major: 4, minor: 3, patch: 3), hasCurve: true)
            Issue.record("4.3.3 was accepted")
        } catch let error as ZMQError {
            #expect(error.code == .unsupportedLibrary)
            #expect(error.message.contains("4.3.3 is too old"))
            #expect(error.message.contains("4.3.4"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            try ZMQLibrary.requireSupported(version: .init(major: 4, minor: 3, patch: 5), hasCurve: false)
            Issue.record("a libzmq without CURVE was accepted")
        } catch let error as ZMQError {
            #expect(error.message.contains("without CURVE"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("errors from libzmq carry errno and libzmq's own text")
    func errorsCarryErrno() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.pull)
        do {
            try socket.bind("inproc://")  // an empty inproc name is invalid
            Issue.record("bound an empty inproc name")
        } catch let error as ZMQError {
            #expect(error.code == .system)
            #expect(error.errno != 0)
            #expect(error.message.contains("errno \(error.errno)"))
        }
    }
}
