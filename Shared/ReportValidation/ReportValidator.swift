import Foundation
import IblaghSchemas
import SwiftProtobuf

/// Checks a submitted report field by field. Each problem becomes one `FieldViolation` with the field's path, a
/// stable code and a sentence for a person — never the value itself, which may be personal data.
public struct ReportValidator: Sendable {
    public var limits: ReportLimits
    public var evidencePolicy: EvidencePolicy

    public init(limits: ReportLimits = ReportLimits(), evidencePolicy: EvidencePolicy = EvidencePolicy()) {
        self.limits = limits
        self.evidencePolicy = evidencePolicy
    }

    public func violations(of submission: Iblagh_V1_SubmitReport, now: Date = Date()) -> [Iblagh_V1_FieldViolation] {
        var found = Violations()
        let key = submission.integratorReportKey
        if key.isEmpty {
            found.add("integrator_report_key", "required", "Give your own id for this report, so a retry is recognised.")
        } else if key.count > limits.integratorKeyCharacters || !key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            found.add("integrator_report_key", "invalid", "Use 1 to \(limits.integratorKeyCharacters) printable ASCII characters without spaces.")
        }
        if submission.hasReport {
            found.violations += violations(of: submission.report, now: now, prefix: "report.")
        } else {
            found.add("report", "required", "The report is missing.")
        }
        return found.violations
    }

    public func violations(of report: Iblagh_V1_Report, now: Date = Date(), prefix: String = "") -> [Iblagh_V1_FieldViolation] {
        var found = Violations(prefix: prefix)
        switch report.category {
        case .unspecified: found.add("category", "required", "Choose what the report is about.")
        case .UNRECOGNIZED: found.add("category", "invalid", "This category is not one we know.")
        default: break
        }
        check(text: report.description_p, field: "description", required: true, limit: limits.descriptionCharacters, multiline: true, into: &found)
        if report.hasOccurredAt {
            let when = report.occurredAt.date.timeIntervalSince1970
            if when > now.timeIntervalSince1970 + Double(limits.clockSkew.components.seconds) {
                found.add("occurred_at", "in_future", "The date is in the future.")
            } else if when < limits.earliestOccurrence {
                found.add("occurred_at", "invalid", "The date is too far in the past.")
            }
        }
        check(text: report.residence, field: "residence", required: true, limit: limits.residenceCharacters, multiline: false, into: &found)
        let country = report.residenceCountry
        if !country.isEmpty, !(country.count == 2 && country.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }) {
            found.add("residence_country", "invalid", "Use a two-letter country code such as MA.")
        }
        if report.reportedAccounts.count > limits.reportedAccounts {
            found.add("reported_accounts", "too_many", "Name at most \(limits.reportedAccounts) accounts, pages or numbers.")
        } else {
            for (index, account) in report.reportedAccounts.enumerated() {
                let field = "reported_accounts[\(index)]"
                switch account.kind {
                case .unspecified: found.add("\(field).kind", "required", "Say whether this is a URL, an account, a phone number or an e-mail address.")
                case .UNRECOGNIZED: found.add("\(field).kind", "invalid", "This kind of account is not one we know.")
                default: break
                }
                check(text: account.value, field: "\(field).value", required: true, limit: limits.accountValueCharacters, multiline: false, into: &found)
                check(text: account.platform, field: "\(field).platform", required: false, limit: limits.platformCharacters, multiline: false, into: &found)
            }
        }
        if report.hasReporter {
            let reporter = report.reporter
            check(text: reporter.fullName, field: "reporter.full_name", required: false, limit: limits.nameCharacters, multiline: false, into: &found)
            if !reporter.email.isEmpty, !Self.isEmail(reporter.email, limit: limits.emailCharacters) {
                found.add("reporter.email", "invalid", "This is not an e-mail address.")
            }
            if !reporter.phone.isEmpty, !Self.isPhone(reporter.phone) {
                found.add("reporter.phone", "invalid", "Give a phone number of 6 to 15 digits, with + and the country code if abroad.")
            }
            if reporter.email.isEmpty, reporter.phone.isEmpty {
                found.add("reporter", "required", "To be contacted, give an e-mail address or a phone number — or leave your identity out to report anonymously.")
            }
        }
        switch report.preferredLanguage {
        case .unspecified: found.add("preferred_language", "required", "Choose the language we should use with you.")
        case .UNRECOGNIZED: found.add("preferred_language", "invalid", "This language is not one we offer.")
        default: break
        }
        if report.evidence.count > limits.inlineEvidenceFiles {
            found.add("evidence", "too_many", "Send at most \(limits.inlineEvidenceFiles) files.")
        } else {
            if report.evidence.reduce(0, { $0 + $1.content.count }) > limits.inlineEvidenceBytes {
                found.add("evidence", "too_large", "The files together exceed \(limits.inlineEvidenceBytes / 1024 / 1024) MiB.")
            }
            for (index, file) in report.evidence.enumerated() {
                for problem in evidencePolicy.problems(fileName: file.fileName, mediaType: file.mediaType, firstBytes: Array(file.content.prefix(16)), size: file.content.count) {
                    found.add("evidence[\(index)].\(problem.field)", problem.code, problem.reason)
                }
            }
        }
        return found.violations
    }

    private func check(text: String, field: String, required: Bool, limit: Int, multiline: Bool, into found: inout Violations) {
        if text.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            if required { found.add(field, "required", "This field is required.") }
            return
        }
        // Unicode code points, as JSON Schema's maxLength counts them (and never fewer than a browser's maxlength,
        // which counts UTF-16 units); the UTF-8 size bounds it first, so a huge value is not walked.
        if text.utf8.count > limit * 4 || text.unicodeScalars.count > limit {
            found.add(field, "too_long", "Use at most \(limit) characters.")
        }
        if text.unicodeScalars.contains(where: { Self.isControl($0, multiline: multiline) }) {
            found.add(field, "invalid", "Contains control characters.")
        }
    }

    /// C0/C1 controls and DEL (tab and line breaks allowed in multi-line text); ASCII is decided without a
    /// Unicode property lookup.
    public static func isControl(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: !multiline
        case 0x00..<0x20, 0x7F: true
        case 0x20..<0x7F: false
        default: scalar.properties.generalCategory == .control
        }
    }

    public static func isEmail(_ text: String, limit: Int) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.unicodeScalars.count <= limit && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
            && !text.unicodeScalars.contains { isControl($0, multiline: false) }
    }

    public static func isPhone(_ text: String) -> Bool {
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        let allowed = text.allSatisfy { $0.isASCII && ($0.isNumber || " +-().".contains($0)) }
        return allowed && (6...15).contains(digits) && !text.dropFirst().contains("+")
    }
}

/// The violations found so far, under a path prefix.
private struct Violations {
    var prefix = ""
    var violations: [Iblagh_V1_FieldViolation] = []

    mutating func add(_ field: String, _ code: String, _ reason: String) {
        violations.append(.with {
            $0.field = prefix + field
            $0.code = code
            $0.reason = reason
        })
    }
}
