import ArgumentParser
import Foundation
import IblaghSchemas
import ReportValidation
import SwiftProtobuf
import ZeroMQ

/// `iblagh submit`: submits one report to intake over the bus, as an integrator (for operators and demos).
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a report to intake over the bus and print its tracking id and receipt secret.",
        discussion: "Retrying with the same --key and the same report returns the same tracking id and creates nothing new; the same --key with a different report is rejected (integrator_report_key: reused).")

    @Option(help: "Intake's submission endpoint.") var endpoint = "tcp://127.0.0.1:7101"
    @Option(help: "Intake's public certificate (intake.key).") var serverKey: String
    @Option(help: "This integrator's secret certificate (NAME.key_secret).") var certificate: String
    @Option(help: "Your own id for this report; repeat it to retry safely (default: a new one).") var key: String?
    @Option(help: "sextortion, child_sexual_exploitation_material, incitement_to_violence, terrorism_praise_or_incitement, minors_rights_violation, fraud, other_cybercrime.")
    var category: String
    @Option(help: "What happened.") var description: String
    @Option(help: "Where the reporter lives (province, prefecture or city; Arabic or French script).") var residence: String
    @Option(help: "ISO country code of residence (default MA).") var country = ""
    @Option(help: "ar, fr, en or es.") var language = "fr"
    @Option(help: "When it happened, RFC 3339 (2026-11-01T21:00:00Z); default: not said. The report carries no clock of its own, so a retry is the same report.")
    var occurredAt: String?
    @Flag(help: "The victim is a minor.") var minor = false
    @Option(help: "A reported account as KIND:VALUE (url, social_media_account, phone_number, email_address, other); repeatable.")
    var account: [String] = []
    @Option(help: "Reporter's name (omit name, e-mail and phone to report anonymously).") var name = ""
    @Option(help: "Reporter's e-mail address.") var email = ""
    @Option(help: "Reporter's phone number.") var phone = ""
    @Option(help: "Seconds to wait for the answer.") var timeout = 15.0

    func validate() throws {
        _ = try buildReport()
    }

    func run() async throws {
        let report = try buildReport()
        let key = key ?? "cli-\(UUID().uuidString.prefix(12))"
        let connection = try await ServiceConnection(endpoint: endpoint, certificate: certificate, serverKey: serverKey, name: "submit")
        let request = try Iblagh_V1_Envelope(
            wrapping: Iblagh_V1_SubmitReport.with {
                $0.integratorReportKey = key
                $0.report = report
            }, messageID: UUID().uuidString, producer: "iblagh-cli")
        let reply = try await connection.request(request, within: .seconds(timeout))
        await connection.close()
        guard let envelope = reply else {
            throw CommandFailure("no answer from \(endpoint) within \(Int(timeout)) s; retry with --key \(key)")
        }
        let answer = try envelope.payload(as: Iblagh_V1_SubmitReportReply.self)
        switch answer.outcome {
        case .accepted(let accepted):
            print("tracking id:    \(accepted.trackingID)")
            print("receipt secret: \(accepted.receiptSecret)")
            if accepted.duplicate { print("(key \(key) was submitted before: this is the same report)") }
        case .rejected(let rejected):
            for violation in rejected.violations { print("rejected: \(violation.field) (\(violation.code)): \(violation.reason)") }
            throw ExitCode(1)
        case nil:
            throw CommandFailure("an empty answer")
        }
    }

    private func buildReport() throws -> Iblagh_V1_Report {
        let languages: [String: Iblagh_V1_Language] = ["ar": .arabic, "fr": .french, "en": .english, "es": .spanish]
        let kinds: [String: Iblagh_V1_ReportedAccount.Kind] = [
            "url": .url, "social_media_account": .socialMediaAccount, "phone_number": .phoneNumber, "email_address": .emailAddress, "other": .other,
        ]
        guard let category = Iblagh_V1_ReportCategory(shortName: category) else {
            throw ValidationError("--category: one of \(Iblagh_V1_ReportCategory.shortNames.keys.sorted().joined(separator: ", "))")
        }
        guard let language = languages[language] else { throw ValidationError("--language: one of ar, fr, en, es") }
        var report = Iblagh_V1_Report()
        report.category = category
        report.description_p = description
        report.residence = residence
        report.residenceCountry = country
        report.victimIsMinor = minor
        report.preferredLanguage = language
        if let occurredAt {
            guard let date = RFC3339.date(from: occurredAt) else { throw ValidationError("--occurred-at: an RFC 3339 date and time, e.g. 2026-11-01T21:00:00Z") }
            report.occurredAt = Google_Protobuf_Timestamp(date: date)
        }
        for entry in account {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = kinds[parts[0]] else { throw ValidationError("--account: KIND:VALUE, KIND one of \(kinds.keys.sorted().joined(separator: ", "))") }
            report.reportedAccounts.append(.with {
                $0.kind = kind
                $0.value = parts[1]
            })
        }
        if !name.isEmpty || !email.isEmpty || !phone.isEmpty {
            report.reporter = .with {
                $0.fullName = name
                $0.email = email
                $0.phone = phone
            }
        }
        return report
    }
}
