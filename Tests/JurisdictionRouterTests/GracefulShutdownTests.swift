import Foundation
import IblaghSchemas
import Synchronization
import Testing
import TestSupport
import ZeroMQ

@Suite("SIGTERM while reports flow")
struct GracefulShutdownTests {
    /// Tracking ids by integrator key, as the answers arrive.
    final class Answers: Sendable {
        private let storage = Mutex<[String: String]>([:])
        func withLock<T>(_ body: (inout [String: String]) -> T) -> T { storage.withLock { body(&$0) } }
    }

    /// An integrator that submits every key until it has an answer: requests left unanswered (the service was
    /// stopping) are sent again with the same key on a fresh connection, as a real integrator retries.
    static func submitAll(_ keys: [String], to intake: IntakeFixture, accepted: Answers) async throws {
        var pending = keys
        var attempt = 0
        while !pending.isEmpty {
            attempt += 1
            let socket = try await intake.integrator()
            for chunk in stride(from: 0, to: pending.count, by: 50).map({ Array(pending[$0..<min(pending.count, $0 + 50)]) }) {
                for key in chunk {
                    let envelope = try Iblagh_V1_Envelope(wrapping: Canary.submit(key: key), messageID: "\(key)#\(attempt)", producer: "test")
                    try await socket.send(Multipart([envelope.frame]))
                }
                var answered = 0
                while answered < chunk.count, let reply = try await socket.receive(before: .now + .seconds(3)) {
                    answered += 1
                    let envelope = try Iblagh_V1_Envelope(frame: reply.frames[0])
                    // Anything but an acceptance (an error reply while the store was unreachable): asked again later.
                    guard let trackingID = try? envelope.payload(as: Iblagh_V1_SubmitReportReply.self).accepted.trackingID,
                        !trackingID.isEmpty
                    else { continue }
                    let key = String(envelope.correlationID.split(separator: "#")[0])
                    accepted.withLock { $0[key] = trackingID }
                }
                if answered < chunk.count { break }  // the service went away: start again on a fresh connection
            }
            await socket.close()
            pending = pending.filter { key in accepted.withLock { $0[key] == nil } }
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(300)) }
        }
    }

    /// Every key answered with its own tracking id, intake holding each report once, and every one of them routed
    /// exactly once.
    static func expectEachRoutedOnce(
        _ count: Int, _ accepted: Answers, _ intake: IntakeFixture, _ routers: RouterFixture, _ tracker: TestConsumer
    ) async throws {
        let answers = accepted.withLock { $0 }
        #expect(answers.count == count)
        #expect(Set(answers.values).count == count, "two keys got one tracking id")
        #expect(try await intake.count("intake_report") == count, "a retried key created a second report")
        let routed = try await tracker.wait(for: count, within: 120)
        let routedIDs = try routed.map { try $0.payload(as: Iblagh_V1_CaseRouted.self).trackingID }
        #expect(routedIDs.count == count, "routed \(routedIDs.count) of \(count)")
        #expect(Set(routedIDs) == Set(answers.values), "a report was lost or routed twice")
        let decisions = try await routers.decisions(0)
        #expect(decisions.count == count && Set(decisions.map(\.trackingID)).count == count)
    }

    static func waitUntil(_ accepted: Answers, reach count: Int) async throws {
        let deadline = Date().addingTimeInterval(120)
        while accepted.withLock({ $0.count }) < count, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test("the router, then intake, stopped with SIGTERM mid-stream and restarted: each exits cleanly, and every accepted report is routed exactly once")
    func sigtermDuringLoad() async throws {
        let intake = try await IntakeFixture()
        let routers = try await RouterFixture(intake: intake)
        let tracker = try await routers.tracker()
        defer { Task { await tracker.stop() } }
        let count = 1_500
        let keys = (0..<count).map { "term-\($0)" }
        let accepted = Answers()
        let submitter = Task { try await Self.submitAll(keys, to: intake, accepted: accepted) }

        try await Self.waitUntil(accepted, reach: 300)
        let router = routers.processes[0]
        #expect(await router.terminate() == 0, "the router did not exit cleanly on SIGTERM")
        try await Self.waitUntil(accepted, reach: 700)  // intake keeps accepting; the hand-offs wait in its outbox
        router.setArgument("--router-dispatch-endpoint", routers.dispatchEndpoints[0])
        try router.restart()
        _ = try await router.waitForLine("ready ")

        try await Self.waitUntil(accepted, reach: 1_000)
        #expect(try await intake.terminateAndRestart() == 0, "intake did not exit cleanly on SIGTERM")
        try await submitter.value
        try await Self.expectEachRoutedOnce(count, accepted, intake, routers, tracker)
    }

    @Test("PostgreSQL restarted twice while reports flow: intake and the router reconnect, every accepted report is routed exactly once")
    func postgresRestartDuringLoad() async throws {
        let server = try await PostgresServer()
        let intake = try await IntakeFixture(postgres: server)
        let routers = try await RouterFixture(intake: intake)
        let tracker = try await routers.tracker()
        defer { Task { await tracker.stop() } }
        let count = 1_500
        let keys = (0..<count).map { "pg-\($0)" }
        let accepted = Answers()
        let submitter = Task { try await Self.submitAll(keys, to: intake, accepted: accepted) }
        for reached in [300, 900] {
            try await Self.waitUntil(accepted, reach: reached)
            try await server.stop()  // fast shutdown: every session of both services is cut
            try await Task.sleep(for: .milliseconds(800))
            try await server.start()
        }
        try await submitter.value
        try await Self.expectEachRoutedOnce(count, accepted, intake, routers, tracker)
    }
}
