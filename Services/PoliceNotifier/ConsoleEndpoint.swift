import Foundation
import IblaghSchemas
import IblaghStore
import Logging
import Synchronization
import ZeroMQ

/// The units' consoles (PROTOCOL.md §7): a CURVE ROUTER whose allow-list maps each console key to `unit:UNIT_ID`.
/// A console lists, acknowledges and records contact for its own unit's cases only, and — once it sent `Watch` —
/// is pushed each case newly assigned to its unit.
///
/// The endpoint runs on its socket's poll loop. After each commit of the notifier's consumers it is told with
/// ``committedSoon()`` — one wake of that loop — and, on a store that works in place, reads the new assignments and
/// pushes them there, on that thread: going through Swift's pool for the read and back cost about six context
/// switches per case at 1,000 reports/s.
actor ConsoleEndpoint {
    nonisolated let boundEndpoint: String
    private let socket: AsyncSocket
    nonisolated var unownedExecutor: UnownedSerialExecutor { socket.loop.asUnownedSerialExecutor() }
    /// Set while a push is asked for and not yet run: commits in between make one push.
    private nonisolated let pushAsked = Atomic<Bool>(false)
    private let store: any Store
    private let assignments: CaseAssignments
    private let clock: any NotifierClock
    private let logger: Logger
    private var watchers: [[UInt8]: String] = [:]  // routing id -> unit
    private var pushedThrough: Int64?
    private var pushing = false
    private var pushAgain = false

    init(endpoint: String, keyPair: CurveKeyPair, consoles: AllowList, context: ZMQContext, store: any Store,
         assignments: CaseAssignments, clock: any NotifierClock, logger: Logger) async throws {
        let socket = try context.socket(.router)
        try socket.makeCurveServer(keyPair: keyPair, allowList: consoles)
        try socket.setRouterMandatory(true)
        try socket.setMaxMessageSize(1 << 20)
        try socket.setHeartbeat(interval: .seconds(5), timeout: .seconds(30), ttl: .seconds(60))
        boundEndpoint = try socket.bind(endpoint)
        self.socket = await AsyncSocket(socket, loop: PollLoop(name: "notifier-console"))
        self.store = store
        self.assignments = assignments
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        pushedThrough = try await store.read { try $0.rows("SELECT COALESCE(MAX(seq), 0) AS s FROM notifier_assignment", []).first?.integer("s") } ?? 0
        for try await message in socket.messages {
            await handle(message)
        }
    }

    func close() async { await socket.close() }

    private func handle(_ message: Multipart) async {
        let frames = message.frames
        guard frames.count == 2, let routing = frames.first else { return }
        guard let role = message.userID, role.hasPrefix("unit:"), role.count > 5 else {
            return await send(SchemaError(.roleNotAllowed, "this key is not a unit console").errorReply, to: frames[0], correlation: "")
        }
        let unit = String(role.dropFirst(5))
        let envelope: Iblagh_V1_Envelope
        let request: Iblagh_V1_ConsoleRequest
        do {
            envelope = try Iblagh_V1_Envelope(frame: frames[1])
            guard envelope.type == .consoleRequest else {
                return await send(SchemaError(.unknownMessageType, "this endpoint takes CONSOLE_REQUEST only").errorReply, to: routing, correlation: envelope.messageID)
            }
            request = try envelope.payload(as: Iblagh_V1_ConsoleRequest.self)
        } catch {
            return await send(error.errorReply, to: routing, correlation: "")
        }
        let reply: Iblagh_V1_ConsoleReply
        do {
            reply = try await answer(request, unit: unit, routing: routing)
        } catch let refusal as CaseAssignments.Refusal {
            logger.notice("console request refused", metadata: ["unit": "\(unit)", "code": "\(refusal.code)"])
            reply = .with { $0.refused = .with { $0.code = refusal.code; $0.reason = refusal.reason } }
        } catch {
            logger.error("console request failed", metadata: ["unit": "\(unit)", "error": "\(error)"])
            return await send(SchemaError(.internal, "the request could not be carried out; retry").errorReply, to: routing, correlation: envelope.messageID)
        }
        await send(reply, to: routing, correlation: envelope.messageID)
    }

    private func answer(_ request: Iblagh_V1_ConsoleRequest, unit: String, routing: [UInt8]) async throws -> Iblagh_V1_ConsoleReply {
        let assignments = self.assignments, now = clock.now()
        switch request.action {
        case .list, .watch:
            if case .watch = request.action { watchers[routing] = unit }
            let cases = try await store.read { try assignments.openCases(for: unit, in: $0) }
            return .with { $0.cases = .with { $0.cases = cases } }
        case .acknowledge(let ack):
            guard !ack.trackingID.isEmpty, !ack.officerID.isEmpty else { throw CaseAssignments.Refusal(code: "invalid_request", reason: "give the tracking id and your officer id") }
            let updated = try await store.write { try assignments.acknowledge(ack.trackingID, unit: unit, officer: ack.officerID, now: now, in: $0) }
            logger.info("case acknowledged", metadata: ["unit": "\(unit)", "tracking_id": "\(ack.trackingID)"])
            await committed()
            return .with { $0.updated = updated }
        case .recordContact(let contact):
            guard !contact.trackingID.isEmpty, !contact.officerID.isEmpty else { throw CaseAssignments.Refusal(code: "invalid_request", reason: "give the tracking id and your officer id") }
            let updated = try await store.write {
                try assignments.recordContact(contact.trackingID, unit: unit, officer: contact.officerID, method: contact.method, now: now, in: $0)
            }
            logger.info("complainant contacted", metadata: ["unit": "\(unit)", "tracking_id": "\(contact.trackingID)"])
            await committed()
            return .with { $0.updated = updated }
        case nil:
            throw CaseAssignments.Refusal(code: "invalid_request", reason: "the request names no action")
        }
    }

    /// Something committed (cases assigned, escalations, acknowledgements): push new assignments to watching
    /// consoles, and let the dispatcher know its outbox grew.
    var afterCommit: @Sendable () async -> Void = {}

    func setAfterCommit(_ body: @escaping @Sendable () async -> Void) { afterCommit = body }

    func committed() async {
        await afterCommit()
        await pushNewAssignments()
    }

    /// Pushes what the last commits assigned, soon, on the endpoint's loop (the notifier's consumers call this after
    /// each commit, from their own loops, without waiting).
    nonisolated func committedSoon() {
        guard !pushAsked.exchange(true, ordering: .acquiringAndReleasing) else { return }
        socket.loop.execute { [weak self] in
            self?.assumeIsolated { endpoint in
                endpoint.pushAsked.store(false, ordering: .releasing)
                endpoint.pushInPlace()
            }
        }
    }

    /// Sends each assignment made since the last push to the consoles watching its unit (best effort: a console
    /// that reconnects lists its cases again).
    ///
    /// A commit that comes while a push is reading (the actor is reentrant at that `await`) may not be in what that read
    /// finds: it asks for another round (`pushAgain`) instead of being dropped — dropped, its cases reached the consoles
    /// only with the next commit, and the last cases of a burst never (`PipelineBench` counted 16 of 20,000 missing).
    func pushNewAssignments() async {
        if store.worksInPlace { return pushInPlace() }
        guard !pushing else {
            pushAgain = true
            return
        }
        pushing = true
        defer { pushing = false }
        repeat {
            pushAgain = false
            guard let from = pushedThrough else { return }
            let assignments = self.assignments
            guard let new = try? await store.read({ try assignments.assignments(after: from, in: $0) }) else { return }
            push(new)
        } while pushAgain
    }

    /// ``pushNewAssignments()`` without leaving the loop, where the store reads in place (a snapshot, on this thread);
    /// elsewhere (PostgreSQL) it starts the asynchronous one.
    private func pushInPlace() {
        guard store.worksInPlace else {
            Task { await pushNewAssignments() }
            return
        }
        guard !pushing else {
            pushAgain = true
            return
        }
        repeat {
            pushAgain = false
            guard let from = pushedThrough else { return }
            let assignments = self.assignments
            guard let new = try? store.readBlocking({ try assignments.assignments(after: from, in: $0) }) else { return }
            push(new)
        } while pushAgain
    }

    /// Sends `new` (read after ``pushedThrough``) to the watching consoles; asks for another round when the read was
    /// cut at its limit.
    private func push(_ new: [(seq: Int64, unit: String, case: Iblagh_V1_ConsoleCase)]) {
        guard let last = new.last else { return }
        pushedThrough = last.seq
        if new.count == CaseAssignments.pushLimit { pushAgain = true }
        for (_, unit, consoleCase) in new {
            for (routing, watching) in watchers where watching == unit {
                let event = Iblagh_V1_ConsoleEvent.with { $0.case = consoleCase }
                guard let envelope = try? Iblagh_V1_Envelope(wrapping: event, messageID: MessageID.unique(), producer: "notifier") else { continue }
                if (try? socket.assumeIsolated { try $0.trySend(Multipart([routing, envelope.frame])) }) != true {
                    watchers[routing] = nil  // gone: it lists again when it comes back
                }
            }
        }
    }

    private func send(_ payload: some BusPayload, to routing: [UInt8], correlation: String) async {
        guard let envelope = try? Iblagh_V1_Envelope(wrapping: payload, messageID: MessageID.unique(), producer: "notifier", correlationID: correlation) else { return }
        do {
            try await socket.send(Multipart([routing, envelope.frame]))
        } catch {
            watchers[routing] = nil
        }
    }
}
