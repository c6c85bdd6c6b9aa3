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
        let connection = try await ServiceConnection(endpoint: endpoint, certificate: certificate, serverKey: serverKey, name: "console") {
            // A notifier gone without closing its connection (its machine, the network) is noticed within 15 s.
            try $0.setHeartbeat(interval: .seconds(5), timeout: .seconds(15), ttl: .seconds(60))
        }
        defer { Task { await connection.close() } }

        if let tracking = acknowledge {
            let reply = try await request(connection, .with { $0.acknowledge = .with { $0.trackingID = tracking; $0.officerID = officer } })
            return try report(reply, done: "acknowledged \(tracking): escalation stopped; contact the complainant before the deadline")
        }
        if let tracking = contacted {
            let how = try contactMethod()
            let reply = try await request(connection, .with { $0.recordContact = .with { $0.trackingID = tracking; $0.officerID = officer; $0.method = how } })
            return try report(reply, done: "recorded: the complainant of \(tracking) was contacted (\(method))")
        }
        // Watching, the notifier is told again whenever the connection comes back: it keeps its watchers in memory
        // only, so after its restart it would push nothing more to this console.
        let reply = try await request(connection, list ? .with { $0.list = .init() } : .with { $0.watch = .init() })
        guard case .cases(let open)? = reply.outcome else { return try report(reply, done: "") }
        Self.say("console of \(unit): \(open.cases.count) open case(s)")
        for item in open.cases { Self.say(Self.line(item)) }
        guard !list else { return }
        Self.say("watching for new cases (Ctrl-C to stop)")
        try await watch(connection, shown: Set(open.cases.map(\.trackingID)))
    }

    /// Prints each case not `shown` yet as it is pushed, or as a new `Watch` after a reconnection lists it (a case
    /// assigned while the connection was down is only in that list); until interrupted. After a reconnection only the
    /// listed cases are remembered: a case no longer open is not listed again, so a console watching for months holds
    /// the unit's open cases and those pushed since, not every case it ever showed.
    private func watch(_ connection: ServiceConnection, shown: Set<String>) async throws {
        var shown = shown
        let (bus, endpoint) = (connection.bus, endpoint)
        let rewatch = Task {
            var lost = false
            for await event in connection.events {
                if event.isHandshakeFailure {
                    Self.say(connection.words(event))  // the notifier restarted without this console's key, say
                } else if event.kind == .disconnected, !lost {
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

    private func request(_ connection: ServiceConnection, _ request: Iblagh_V1_ConsoleRequest) async throws -> Iblagh_V1_ConsoleReply {
        let envelope = try Iblagh_V1_Envelope(wrapping: request, messageID: UUID().uuidString, producer: "iblagh-console")
        // A pushed event is not our answer: the answer names our request.
        guard let reply = try await connection.request(envelope, within: .seconds(timeout), isAnswer: { $0.correlationID == envelope.messageID }) else {
            throw CommandFailure("no answer from \(endpoint) within \(Int(timeout)) s")
        }
        return try reply.payload(as: Iblagh_V1_ConsoleReply.self)
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

    /// A case as the officer reads it, with the deadline its state is held to now: the acknowledgement while it is
    /// `notified`, the complainant's contact once `acknowledged`; `OVERDUE` once that deadline passed.
    static func line(_ item: Iblagh_V1_ConsoleCase, now: Date = Date()) -> String {
        let format = ISO8601DateFormatter()
        let priority = item.priority == .urgent ? "URGENT" : "normal"
        let level = item.escalationLevel > 0 ? " (escalated to you, level \(item.escalationLevel))" : ""
        func deadline(_ what: String, _ by: Date) -> String {
            by > now ? "  \(what) by \(format.string(from: by))" : "  \(what) OVERDUE since \(format.string(from: by))"
        }
        let due = switch item.state {
        case "notified": deadline("acknowledge", item.acknowledgeBy.date)
        case "acknowledged": deadline("contact the complainant", item.contactBy.date)
        default: ""
        }
        return "\(item.trackingID)  \(item.category.shortName)  \(priority)  \(item.state)\(due)\(level)"
    }
}
