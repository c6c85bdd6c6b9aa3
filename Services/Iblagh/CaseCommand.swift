import ArgumentParser
import Foundation
import IblaghSchemas
import SwiftProtobuf
import ZeroMQ

/// `iblagh case show|advance|prosecute|judge|dismiss|bundle|close`: an officer's or a prosecutor's commands to the
/// prosecution tracker over the bus. The key decides who acts (`officer:UNIT`, `prosecutor:OFFICE`).
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Follow and move a case: investigation, prosecution, judgment.",
        subcommands: [Show.self, Advance.self, Prosecute.self, Judge.self, Dismiss.self, Bundle.self, Close.self])

    struct Connection: ParsableArguments {
        @Option(help: "The tracker's command endpoint.") var endpoint = "tcp://127.0.0.1:7401"
        @Option(help: "The tracker's public certificate.") var serverKey: String
        @Option(help: "Your secret certificate (enrolled as officer:UNIT or prosecutor:OFFICE).") var certificate: String
        @Option(help: "The case's tracking id.") var tracking: String
        @Option(help: "Your pseudonymous person id within your unit or office.") var person = ""
        @Option(help: "This command's id; repeat it to retry safely (default: a new one).") var commandId: String?

        func send(_ action: (inout Iblagh_V1_CaseCommand) -> Void) async throws {
            let commandId = commandId ?? UUID().uuidString
            var command = Iblagh_V1_CaseCommand()
            command.commandID = commandId
            command.trackingID = tracking
            command.actor.personID = person
            action(&command)
            let connection = try await ServiceConnection(endpoint: endpoint, certificate: certificate, serverKey: serverKey, name: "case")
            defer { Task { await connection.close() } }
            let request = try Iblagh_V1_Envelope(wrapping: command, messageID: UUID().uuidString, producer: "iblagh-case")
            guard let reply = try await connection.request(request, within: .seconds(15)) else {
                throw CommandFailure("no answer from \(endpoint); retry with --command-id \(commandId)")
            }
            let answer = try reply.payload(as: Iblagh_V1_CaseCommandReply.self)
            switch answer.outcome {
            case .case(let summary):
                print("case \(summary.trackingID): \(Self.name(summary.state))")
                print("next: \(summary.allowedNext.isEmpty ? "nothing (the case is over)" : summary.allowedNext.map(Self.name).joined(separator: ", "))")
                print("unit: \(summary.unit.id)   prosecution: \(summary.prosecutionOffice.id.isEmpty ? "-" : summary.prosecutionOffice.id)")
                for person in summary.persons {
                    print("person \(person.personID): " + person.charges.map { "\($0.description_p) (\($0.legalReference))" }.joined(separator: "; "))
                    if let judgment = summary.judgments.first(where: { $0.personID == person.personID }) { print("  " + Self.words(judgment)) }
                }
                if !summary.bundledInto.isEmpty { print("bundled into \(summary.bundledInto)") }
            case .refusal(let refusal):
                print("refused (\(refusal.code)): \(refusal.reason)")
                throw ExitCode(1)
            case nil:
                throw CommandFailure("an empty answer")
            }
        }

        /// "judged 2026-12-01 at tpi.kenitra: convicted, 12 months' prison, suspended, fine 5000 MAD".
        static func words(_ judgment: Iblagh_V1_CaseCommand.Judge) -> String {
            let sentence = judgment.sentence
            var parts = [judgment.verdict == .convicted ? "convicted" : "acquitted"]
            if sentence.prisonMonths > 0 { parts.append("\(sentence.prisonMonths) months' prison" + (sentence.suspended ? ", suspended" : "")) }
            if sentence.fineMad > 0 { parts.append("fine \(sentence.fineMad) MAD") }
            let day = judgment.hasJudgedAt && judgment.judgedAt.seconds > 0 ? " " + String(ISO8601DateFormatter().string(from: judgment.judgedAt.date).prefix(10)) : ""
            let court = judgment.courtID.isEmpty ? "" : " at \(judgment.courtID)"
            return "judged\(day)\(court): " + parts.joined(separator: ", ")
        }

        static func name(_ state: Iblagh_V1_CaseState) -> String {
            String(describing: state).replacingOccurrences(of: "([a-z])([A-Z])", with: "$1_$2", options: .regularExpression).uppercased()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the case, its state and what may come next.")
        @OptionGroup var connection: Connection
        func run() async throws { try await connection.send { $0.show = .init() } }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Officers: under_investigation, suspects_identified, referred_to_prosecution.")
        @OptionGroup var connection: Connection
        @Option(help: "under_investigation, suspects_identified or referred_to_prosecution (in either case, as `show` prints it).") var to: String
        @Option(help: "A note for the record.") var note = ""
        /// The state `--to` names.
        func target() throws -> Iblagh_V1_CaseState {
            let states: [String: Iblagh_V1_CaseState] = [
                "under_investigation": .underInvestigation, "suspects_identified": .suspectsIdentified, "referred_to_prosecution": .referredToProsecution,
            ]
            guard let state = states[to.lowercased()] else { throw ValidationError("--to: one of \(states.keys.sorted().joined(separator: ", "))") }
            return state
        }
        func validate() throws {
            _ = try target()
        }
        func run() async throws {
            let target = try target()
            try await connection.send { $0.advance = .with { $0.to = target; $0.note = note } }
        }
    }

    struct Prosecute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prosecutors: the persons prosecuted and their charges.")
        @OptionGroup var connection: Connection
        @Option(help: "PERSON_ID=DESCRIPTION|LEGAL_REFERENCE, repeatable (several charges for one person: repeat the id).")
        var defendant: [String]
        /// The persons and their charges, in the order first named.
        func persons() throws -> [Iblagh_V1_ProsecutedPerson] {
            var charges: [String: [Iblagh_V1_Charge]] = [:]
            var order: [String] = []
            for entry in defendant {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                let charge = parts.count == 2 ? parts[1].split(separator: "|", maxSplits: 1).map(String.init) : []
                guard parts.count == 2, charge.count == 2 else { throw ValidationError("--defendant: PERSON_ID=DESCRIPTION|LEGAL_REFERENCE") }
                if charges[parts[0]] == nil { order.append(parts[0]) }
                charges[parts[0], default: []].append(.with { $0.description_p = charge[0]; $0.legalReference = charge[1] })
            }
            return order.map { id in .with { $0.personID = id; $0.charges = charges[id] ?? [] } }
        }
        func validate() throws {
            _ = try persons()
        }
        func run() async throws {
            let persons = try persons()
            try await connection.send { command in command.prosecute = .with { $0.persons = persons } }
        }
    }

    struct Judge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prosecutors: record the judgment of one person.")
        @OptionGroup var connection: Connection
        @Option(help: "The person judged.") var defendant: String
        @Option(help: "convicted or acquitted.") var verdict: String
        @Option(help: "Months of prison.") var prisonMonths: UInt32 = 0
        @Flag(help: "The prison sentence is suspended.") var suspended = false
        @Option(help: "Fine in dirhams.") var fine: UInt64 = 0
        @Option(help: "The court's id.") var court = ""
        func validate() throws {
            guard verdict == "convicted" || verdict == "acquitted" else { throw ValidationError("--verdict: convicted or acquitted") }
        }
        func run() async throws {
            try await connection.send { command in
                command.judge = .with {
                    $0.personID = defendant
                    $0.verdict = verdict == "convicted" ? .convicted : .acquitted
                    $0.sentence = .with { $0.prisonMonths = prisonMonths; $0.suspended = suspended; $0.fineMad = fine }
                    $0.courtID = court
                    $0.judgedAt = Google_Protobuf_Timestamp(date: Date())
                }
            }
        }
    }

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prosecutors: dismiss the case (classé sans suite).")
        @OptionGroup var connection: Connection
        @Option(help: "Why.") var reason: String
        func run() async throws { try await connection.send { $0.dismiss = .with { $0.reason = reason } } }
    }

    struct Bundle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join the case into another one.")
        @OptionGroup var connection: Connection
        @Option(help: "The tracking id of the case it joins.") var into: String
        func run() async throws { try await connection.send { $0.bundle = .with { $0.intoTrackingID = into } } }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prosecutors: close a judged case.")
        @OptionGroup var connection: Connection
        func run() async throws { try await connection.send { $0.close = .init() } }
    }
}
