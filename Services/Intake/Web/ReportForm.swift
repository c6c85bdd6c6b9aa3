import Foundation
import IblaghSchemas
import ReportValidation
import SwiftProtobuf
import WebForms

/// The report form: its fields as a person filled them in, turned into a report, and drawn back with an error under
/// each field the validator refused — in the page's language, without ever echoing a file.
struct ReportForm {
    static let accountRows = 3
    static let accountKinds: [(value: String, label: WebText)] = [
        ("social_media_account", .kindAccount), ("url", .kindURL), ("phone_number", .kindPhone), ("email_address", .kindEmail),
    ]

    var values: [String: String] = [:]
    var minor = false
    var accounts: [(kind: String, value: String)] = Array(repeating: ("social_media_account", ""), count: Self.accountRows)
    /// Errors by form field name.
    var errors: [String: WebText] = [:]

    init() {}

    /// The form as submitted.
    init(_ body: FormBody) {
        for name in ["category", "description", "occurred_at", "residence", "full_name", "email", "phone", "preferred_language"] {
            values[name] = body[name]
        }
        minor = body["victim_is_minor"] != nil
        let kinds = body.all("account_kind"), entries = body.all("account_value")
        for index in 0..<Self.accountRows {
            accounts[index] = (index < kinds.count ? kinds[index] : "social_media_account",
                               index < entries.count ? entries[index].trimmingCharacters(in: .whitespacesAndNewlines) : "")
        }
    }

    /// The report this form describes (the validator says what is wrong with it).
    func report(language: WebLanguage) -> Iblagh_V1_Report {
        var report = Iblagh_V1_Report()
        if let category = values["category"] {
            report.category = Iblagh_V1_ReportCategory(shortName: category) ?? .UNRECOGNIZED(-1)
        }
        report.description_p = values["description"] ?? ""
        if let date = values["occurred_at"].flatMap(Self.day) { report.occurredAt = Google_Protobuf_Timestamp(date: date) }
        report.residence = values["residence"] ?? ""
        report.victimIsMinor = minor
        for (kind, value) in accounts where !value.isEmpty {
            report.reportedAccounts.append(.with {
                $0.kind = ReportJSON.accountKinds[kind] ?? .UNRECOGNIZED(-1)
                $0.value = value
            })
        }
        let name = values["full_name"] ?? "", email = values["email"] ?? "", phone = values["phone"] ?? ""
        if !(name + email + phone).isEmpty {
            report.reporter = .with {
                $0.fullName = name
                $0.email = email
                $0.phone = phone
            }
        }
        let preferred = values["preferred_language"].flatMap(WebLanguage.init(rawValue:)) ?? language
        report.preferredLanguage = preferred.report
        return report
    }

    /// A day that is not a date is an error of its own (the validator only sees a report without one).
    var dateIsMalformed: Bool {
        values["occurred_at"].map { Self.day($0) == nil } ?? false
    }

    /// A date input's value (`2026-11-02`), as midnight UTC.
    static func day(_ text: String) -> Date? {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withFullDate]
        return parser.date(from: text)
    }

    /// Places the validator's violations under the form's fields.
    mutating func place(_ violations: [Iblagh_V1_FieldViolation]) {
        for violation in violations {
            let field: String
            switch violation.field {
            case "reporter": field = "phone"
            case let path where path.hasPrefix("reporter."): field = String(path.dropFirst("reporter.".count))
            case let path where path.hasPrefix("reported_accounts["):
                let index = path.dropFirst("reported_accounts[".count).prefix { $0.isNumber }
                let filled = accounts.indices.filter { !accounts[$0].value.isEmpty }
                field = Int(index).flatMap { $0 < filled.count ? "account_value_\(filled[$0])" : nil } ?? "account_value_0"
            case "reported_accounts": field = "account_value_0"
            default: field = violation.field
            }
            let message: WebText =
                switch (violation.field, violation.code) {
                case ("reporter", _): .errorContactNeeded
                case (_, "required"): .errorRequired
                case (_, "too_long"): .errorTooLong
                case (_, "in_future"): .errorInFuture
                case (_, "too_many"): .errorTooMany
                default: .errorInvalid
                }
            if errors[field] == nil { errors[field] = message }
        }
    }

    /// The form, with `token` (the CSRF token also set as a cookie) and errors shown; `notice` on top (e.g. expired).
    func html(language: WebLanguage, token: String, maximumFileMiB: Int, notice: WebText? = nil) -> String {
        let t = language.html
        func value(_ name: String) -> String { HTML.escape(values[name] ?? "") }
        func described(_ name: String, hint: Bool) -> String {
            let ids = (hint ? ["\(name)-hint"] : []) + (errors[name] != nil ? ["\(name)-error"] : [])
            let invalid = errors[name] != nil ? " aria-invalid=\"true\" class=\"invalid\"" : ""
            return ids.isEmpty ? invalid : " aria-describedby=\"\(ids.joined(separator: " "))\"\(invalid)"
        }
        func error(_ name: String) -> String {
            errors[name].map { "<p class=\"error\" id=\"\(name)-error\">\(t($0))</p>" } ?? ""
        }
        func label(_ name: String, _ key: WebText, optional: Bool = false) -> String {
            "<label for=\"\(name)\">\(t(key))\(optional ? " <span class=\"hint\">(\(t(.optional)))</span>" : "")</label>"
        }
        var parts: [String] = ["<h1>\(t(.formTitle))</h1>"]
        if let notice { parts.append("<p class=\"summary\" role=\"alert\">\(t(notice))</p>") }
        if !errors.isEmpty {
            let order = ["category", "description", "occurred_at", "residence"] + (0..<Self.accountRows).map { "account_value_\($0)" }
                + ["full_name", "email", "phone", "preferred_language", "evidence"]
            let links = order.filter { errors[$0] != nil }.map { "<li><a href=\"#\($0)\">\(t(errors[$0]!))</a></li>" }.joined()
            parts.append("<div class=\"summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><p>\(t(.errorsTitle))</p><ul>\(links)</ul></div>")
        }
        parts.append("<p>\(t(.formIntro))</p><p class=\"notice\">\(t(.anonymousNote))</p>")
        parts.append("<form id=\"report-form\" method=\"post\" action=\"/\(language.rawValue)/report\" enctype=\"multipart/form-data\" novalidate>")
        parts.append("<input type=\"hidden\" name=\"form_token\" value=\"\(HTML.escape(token))\">")

        // What happened: each category in the person's words, with its line of explanation.
        var categories = "<fieldset\(errors["category"] != nil ? " aria-describedby=\"category-error\"" : "")><legend id=\"category\" tabindex=\"-1\">\(t(.fieldCategory))</legend><p class=\"hint\">\(t(.categoryHint))</p>\(error("category"))"
        for category in Iblagh_V1_ReportCategory.offered {
            guard let words = category.words(language) else { continue }
            let id = "category-\(category.shortName)"
            let checked = values["category"] == category.shortName ? " checked" : ""
            categories += "<div class=\"check\"><input type=\"radio\" name=\"category\" id=\"\(id)\" value=\"\(category.shortName)\" aria-describedby=\"\(id)-hint\"\(checked)><label for=\"\(id)\">\(HTML.escape(words.name))</label></div><p class=\"hint\" id=\"\(id)-hint\">\(HTML.escape(words.summary))</p>"
        }
        parts.append(categories + "</fieldset>")

        parts.append(label("description", .fieldDescription) + "<p class=\"hint\" id=\"description-hint\">\(t(.descriptionHint))</p>\(error("description"))<textarea id=\"description\" name=\"description\" maxlength=\"5000\"\(described("description", hint: true))>\(value("description"))</textarea>")
        parts.append(label("occurred_at", .fieldOccurredAt, optional: true) + "<p class=\"hint\" id=\"occurred_at-hint\">\(t(.occurredAtHint))</p>\(error("occurred_at"))<input type=\"date\" id=\"occurred_at\" name=\"occurred_at\" value=\"\(value("occurred_at"))\"\(described("occurred_at", hint: true))>")
        parts.append(label("residence", .fieldResidence) + "<p class=\"hint\" id=\"residence-hint\">\(t(.residenceHint))</p>\(error("residence"))<input type=\"text\" id=\"residence\" name=\"residence\" dir=\"auto\" autocomplete=\"address-level2\" maxlength=\"200\" value=\"\(value("residence"))\"\(described("residence", hint: true))>")
        parts.append("<div class=\"check\"><input type=\"checkbox\" id=\"victim_is_minor\" name=\"victim_is_minor\" value=\"1\"\(minor ? " checked" : "")><label for=\"victim_is_minor\">\(t(.fieldMinor))</label></div>")

        var rows = "<fieldset><legend>\(t(.fieldAccounts)) <span class=\"hint\">(\(t(.optional)))</span></legend><p class=\"hint\">\(t(.accountsHint))</p>"
        for (index, account) in accounts.enumerated() {
            let options = Self.accountKinds.map { kind in
                "<option value=\"\(kind.value)\"\(account.kind == kind.value ? " selected" : "")>\(t(kind.label))</option>"
            }.joined()
            let name = "account_value_\(index)"
            rows += "\(error(name))<div class=\"row\"><select name=\"account_kind\" aria-label=\"\(t(.fieldAccounts)) \(index + 1)\">\(options)</select><input type=\"text\" id=\"\(name)\" name=\"account_value\" dir=\"ltr\" maxlength=\"500\" aria-label=\"\(t(.fieldAccounts)) \(index + 1)\" value=\"\(HTML.escape(account.value))\"\(described(name, hint: false))></div>"
        }
        parts.append(rows + "</fieldset>")

        parts.append("<fieldset><legend>\(t(.identityLegend))</legend><p class=\"hint\">\(t(.identityHint))</p>"
            + label("full_name", .fieldFullName) + "\(error("full_name"))<input type=\"text\" id=\"full_name\" name=\"full_name\" autocomplete=\"name\" maxlength=\"200\" value=\"\(value("full_name"))\"\(described("full_name", hint: false))>"
            + label("email", .fieldEmail) + "\(error("email"))<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" dir=\"ltr\" maxlength=\"254\" value=\"\(value("email"))\"\(described("email", hint: false))>"
            + label("phone", .fieldPhone) + "\(error("phone"))<input type=\"tel\" id=\"phone\" name=\"phone\" autocomplete=\"tel\" dir=\"ltr\" maxlength=\"20\" value=\"\(value("phone"))\"\(described("phone", hint: false))>"
            + "</fieldset>")

        let chosen = values["preferred_language"] ?? language.rawValue
        let languages = WebLanguage.allCases.map { other in
            "<option value=\"\(other.rawValue)\" lang=\"\(other.rawValue)\"\(chosen == other.rawValue ? " selected" : "")>\(HTML.escape(other.name))</option>"
        }.joined()
        parts.append(label("preferred_language", .fieldLanguage) + "\(error("preferred_language"))<select id=\"preferred_language\" name=\"preferred_language\">\(languages)</select>")

        let evidenceHint = t(.evidenceHint).replacingOccurrences(of: "%@", with: "\(maximumFileMiB)")
        parts.append(label("evidence", .fieldEvidence) + "<p class=\"hint\" id=\"evidence-hint\">\(evidenceHint)</p>\(error("evidence"))<input type=\"file\" id=\"evidence\" name=\"evidence\" accept=\"image/jpeg,image/png,image/gif,image/webp,application/pdf,video/mp4,audio/mpeg,audio/ogg,text/plain\"\(described("evidence", hint: true))>")
        parts.append("<div id=\"upload\" hidden><label for=\"upload-progress\">\(t(.uploading))</label><progress id=\"upload-progress\" max=\"100\" value=\"0\"></progress></div>")
        parts.append("<button type=\"submit\">\(t(.submit))</button></form>")
        return parts.joined(separator: "\n")
    }
}
