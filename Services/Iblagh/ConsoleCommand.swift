import ArgumentParser
import Foundation
import IblaghSchemas
import ZeroMQ

/// `iblagh console`: a judicial police unit's console on the command line. Without an action it watches: prints the
/// unit's open cases, then each new case as it arrives, until interrupted.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "A unit's console: watch new cases live, acknowledge a case, record that the complainant was contacted.",
        discussion: "The console's key decides the unit: the notifier enrolls it as unit:UNIT_ID and shows that unit's cases only.")

    @Option(help: "The unit this console is for (as enrolled with its key).") var unit: String
    @Option(help: "The notifier's console endpoint.") var endpoint = "tcp://127.0.0.1:7301"
    @Option(help: "The notifier's public certificate.") var serverKey: String
    @Option(help: "This console's secret certificate (enrolled as unit:UNIT_ID).") var certificate: String
    @Flag(help: "List the open cases and exit.") var list = false
    @Option(help: "Acknowledge this case (the unit takes it).") var acknowledge: String?
    @Option(help: "Record that the complainant of this case was contacted.") var contacted: String?
    @Option(help: "How: phone, email or in_person.") var method = "phone"
    @Option(help: "Your officer id within the unit (pseudonymous).") var officer = ""
    @Option(help: "Seconds to wait for an answer.") var timeout = 15.0

    /// How `--method` says the complainant was contacted.
    func contactMethod() throws -> Iblagh_V1_ComplainantContacted.ContactMethod {
        let methods: [String: Iblagh_V1_ComplainantContacted.ContactMethod] = ["phone": .phone, "email": .email, "in_person": .inPerson]
        guard let how = methods[method] else { throw ValidationError("--method: phone, email or in_person") }
        return how
    }

    func validate() throws {
        if acknowledge != nil || contacted != nil, officer.isEmpty { throw ValidationError("--officer: your officer id") }
        if contacted != nil { _ = try contactMethod() }
    }

    func run() async throws {
        let context = try ZMQContext()
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(keyPair: try CurveCertificate.loadKeyPair(secretFile: certificate), serverKey: try CurveCertificate.loadPublicKey(file: serverKey))
        try socket.setLinger(.zero)
        // A notifier gone without closing its connection (its machine, the network) is noticed within 15 s.
        try socket.setHeartbeat(interval: .seconds(5), timeout: .seconds(15), ttl: .seconds(60))
        try socket.connect(endpoint)
        let bus = await AsyncSocket(socket, loop: PollLoop(name: "console"))
        defer { Task { await bus.close() } }

        if let tracking = acknowledge {
            let reply = try await request(bus, .with { $0.acknowledge = .with { $0.trackingID = tracking; $0.officerID = officer } })
            return try report(reply, done: "acknowledged \(tracking): escalation stopped; contact the complainant before the deadline")
        }
        if let tracking = contacted {
            let how = try contactMethod()
            let reply = try await request(bus, .with { $0.recordContact = .with { $0.trackingID = tracking; $0.officerID = officer; $0.method = how } })
            return try report(reply, done: "recorded: the complainant of \(tracking) was contacted (\(method))")
        }
        // Watching, the notifier is told again whenever the connection comes back: it keeps its watchers in memory
        // only, so after its restart it would push nothing more to this console.
        let connections = list ? nil : try await bus.monitor([.handshakeSucceeded, .disconnected])
        let reply = try await request(bus, list ? .with { $0.list = .init() } : .with { $0.watch = .init() })
        guard case .cases(let open)? = reply.outcome else { return try report(reply, done: "") }
        Self.say("console of \(unit): \(open.cases.count) open case(s)")
        for item in open.cases { Self.say(Self.line(item)) }
        guard let connections else { return }
        Self.say("watching for new cases (Ctrl-C to stop)")
        try await watch(bus, connections: connections, shown: Set(open.cases.map(\.trackingID)))
    }

    /// Prints each case not `shown` yet as it is pushed, or as a new `Watch` after a reconnection lists it (a case
    /// assigned while the connection was down is only in that list); until interrupted. After a reconnection only the
    /// listed cases are remembered: a case no longer open is not listed again, so a console watching for months holds
    /// the unit's open cases and those pushed since, not every case it ever showed.
    private func watch(_ bus: AsyncSocket, connections: AsyncStream<MonitorEvent>, shown: Set<String>) async throws {
        var shown = shown
        let endpoint = endpoint
        let rewatch = Task {
            var lost = false
            for await event in connections {
                if event.kind == .disconnected, !lost {
                    lost = true
                    Self.say("lost the notifier at \(endpoint); reconnecting")
                } else if event.kind == .handshakeSucceeded, lost {
                    lost = false
                    let watch = Iblagh_V1_ConsoleRequest.with { $0.watch = .init() }
                    guard let envelope = try? Iblagh_V1_Envelope(wrapping: watch, messageID: UUID().uuidString, producer: "iblagh-console") else { continue }
                    try? await bus.send(Multipart([envelope.frame]))
                }
            }
        }
        defer { rewatch.cancel() }
        while true {
            let message = try await bus.receive()
            guard let envelope = try? Iblagh_V1_Envelope(frame: message.frames.last ?? []) else { continue }
            if envelope.type == .consoleEvent, let event = try? envelope.payload(as: Iblagh_V1_ConsoleEvent.self) {
                if shown.insert(event.case.trackingID).inserted { Self.say("new: " + Self.line(event.case)) }
            } else if envelope.type == .consoleReply, let reply = try? envelope.payload(as: Iblagh_V1_ConsoleReply.self),
                case .cases(let open)? = reply.outcome {
                Self.say("reconnected: \(open.cases.count) open case(s)")
                for item in open.cases where !shown.contains(item.trackingID) { Self.say("new: " + Self.line(item)) }
                shown = Set(open.cases.map(\.trackingID))
            }
        }
    }

    /// One line on standard output, written at once: a console's output read through a pipe or a file (a
    /// supervisor's log) shows each case when it comes, not when a buffer fills.
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func request(_ bus: AsyncSocket, _ request: Iblagh_V1_ConsoleRequest) async throws -> Iblagh_V1_ConsoleReply {
        let envelope = try Iblagh_V1_Envelope(wrapping: request, messageID: UUID().uuidString, producer: "iblagh-console")
        try await bus.send(Multipart([envelope.frame]))
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            let message = try await bus.receive(before: deadline)
            guard let message, let reply = try? Iblagh_V1_Envelope(frame: message.frames.last ?? []) else { break }
            guard reply.correlationID == envelope.messageID else { continue }  // a pushed event, not our answer
            if reply.type == .errorReply { throw CommandFailure("refused: \(try reply.payload(as: Iblagh_V1_ErrorReply.self).reason)") }
            return try reply.payload(as: Iblagh_V1_ConsoleReply.self)
        }
        throw CommandFailure("no answer from \(endpoint) within \(Int(timeout)) s")
    }

    private func report(_ reply: Iblagh_V1_ConsoleReply, done: String) throws {
        switch reply.outcome {
        case .refused(let refusal):
            Self.say("refused (\(refusal.code)): \(refusal.reason)")
            throw ExitCode(1)
        default:
            Self.say(done)
        }
    }

    static func line(_ item: Iblagh_V1_ConsoleCase) -> String {
        let format = ISO8601DateFormatter()
        let priority = item.priority == .urgent ? "URGENT" : "normal"
        let level = item.escalationLevel > 0 ? " (escalated to you, level \(item.escalationLevel))" : ""
        return "\(item.trackingID)  \(item.category.shortName)  \(priority)  \(item.state)  acknowledge by \(format.string(from: item.acknowledgeBy.date))\(level)"
    }
}
