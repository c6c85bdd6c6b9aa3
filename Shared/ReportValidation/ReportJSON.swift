import Foundation
import IblaghSchemas
import SwiftProtobuf

/// The JSON form of a report (`POST /v1/reports`), read field by field so that each wrong or unknown field gets its
/// own violation, in the same terms as the bus API's. Names are snake_case; enums are short words:
///
/// ```json
/// {"category": "sextortion", "description": "...", "occurred_at": "2026-11-02T21:00:00Z",
///  "residence": "Kénitra", "residence_country": "MA", "victim_is_minor": false,
///  "reported_accounts": [{"kind": "social_media_account", "value": "@x", "platform": "instagram"}],
///  "reporter": {"full_name": "...", "email": "...", "phone": "..."}, "preferred_language": "fr"}
/// ```
public enum ReportJSON {
    public static let categories = Iblagh_V1_ReportCategory.shortNames
    public static let languages: [String: Iblagh_V1_Language] = ["ar": .arabic, "fr": .french, "en": .english, "es": .spanish]
    public static let accountKinds: [String: Iblagh_V1_ReportedAccount.Kind] = [
        "url": .url, "social_media_account": .socialMediaAccount, "phone_number": .phoneNumber, "email_address": .emailAddress, "other": .other,
    ]
    /// The fields of a report, of each reported account and of the reporter; any other is refused as unknown.
    public static let fields: Set<String> = [
        "category", "description", "occurred_at", "residence", "residence_country", "victim_is_minor", "reported_accounts", "reporter", "preferred_language",
    ]
    public static let accountFields: Set<String> = ["kind", "value", "platform"]
    public static let reporterFields: Set<String> = ["full_name", "email", "phone"]

    /// The report in `body`, or the violations that stop it from being one.
    public static func decode(_ body: [UInt8]) -> Result<Iblagh_V1_Report, Violations> {
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            return .failure(Violations([violation("", "malformed", "The body is not a JSON object.")]))
        }
        var reader = FieldReader()
        var report = Iblagh_V1_Report()
        reader.known(fields, Self.fields, prefix: "")
        if let name = reader.string(fields, "category") {
            if let category = categories[name] { report.category = category } else {
                reader.add("category", "invalid", "Use one of: \(categories.keys.sorted().joined(separator: ", ")).")
            }
        }
        report.description_p = reader.string(fields, "description") ?? ""
        if let text = reader.string(fields, "occurred_at") {
            if let date = RFC3339.date(from: text) { report.occurredAt = Google_Protobuf_Timestamp(date: date) } else {
                reader.add("occurred_at", "invalid", "Use an RFC 3339 date and time, e.g. 2026-11-02T21:00:00Z.")
            }
        }
        report.residence = reader.string(fields, "residence") ?? ""
        report.residenceCountry = reader.string(fields, "residence_country") ?? ""
        report.victimIsMinor = reader.bool(fields, "victim_is_minor") ?? false
        if let accounts = reader.array(fields, "reported_accounts") {
            for (index, item) in accounts.enumerated() {
                let field = "reported_accounts[\(index)]"
                guard case .object(let account) = item else {
                    reader.add(field, "invalid", "Each account is an object with kind, value and platform.")
                    continue
                }
                reader.known(account, Self.accountFields, prefix: field + ".")
                var entry = Iblagh_V1_ReportedAccount()
                if let kind = reader.string(account, "kind", path: "\(field).kind") {
                    if let value = accountKinds[kind] { entry.kind = value } else {
                        reader.add("\(field).kind", "invalid", "Use one of: \(accountKinds.keys.sorted().joined(separator: ", ")).")
                    }
                }
                entry.value = reader.string(account, "value", path: "\(field).value") ?? ""
                entry.platform = reader.string(account, "platform", path: "\(field).platform") ?? ""
                report.reportedAccounts.append(entry)
            }
        }
        if let value = fields["reporter"], value != .null {
            if case .object(let reporter) = value {
                reader.known(reporter, Self.reporterFields, prefix: "reporter.")
                report.reporter = .with {
                    $0.fullName = reader.string(reporter, "full_name", path: "reporter.full_name") ?? ""
                    $0.email = reader.string(reporter, "email", path: "reporter.email") ?? ""
                    $0.phone = reader.string(reporter, "phone", path: "reporter.phone") ?? ""
                }
            } else {
                reader.add("reporter", "invalid", "The reporter is an object with full_name, email and phone, or null for an anonymous report.")
            }
        }
        if let code = reader.string(fields, "preferred_language") {
            if let language = languages[code] { report.preferredLanguage = language } else {
                reader.add("preferred_language", "invalid", "Use one of: ar, fr, en, es.")
            }
        }
        return reader.violations.isEmpty ? .success(report) : .failure(Violations(reader.violations, partial: report))
    }

    public static func violation(_ field: String, _ code: String, _ reason: String) -> Iblagh_V1_FieldViolation {
        .with {
            $0.field = field
            $0.code = code
            $0.reason = reason
        }
    }

    /// Why a body is not a report (an Error, so it can travel in a `Result`).
    public struct Violations: Error {
        public let list: [Iblagh_V1_FieldViolation]
        /// The fields that could be read, when the body was a JSON object: a validator can name what else is wrong.
        public let partial: Iblagh_V1_Report?
        public init(_ list: [Iblagh_V1_FieldViolation], partial: Iblagh_V1_Report? = nil) {
            self.list = list
            self.partial = partial
        }
    }

    /// Reads typed fields, noting a violation for each of the wrong type.
    private struct FieldReader {
        var violations: [Iblagh_V1_FieldViolation] = []

        mutating func add(_ field: String, _ code: String, _ reason: String) {
            violations.append(ReportJSON.violation(field, code, reason))
        }

        mutating func known(_ object: [String: JSONValue], _ names: Set<String>, prefix: String) {
            for key in object.keys.sorted() where !names.contains(key) {
                // The name is echoed only when it is a plain identifier (it is not the value, but it is the client's).
                let shown = key.count <= 64 && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } ? key : "?"
                add(prefix + shown, "unknown", "This field is not part of a report.")
            }
        }

        mutating func string(_ object: [String: JSONValue], _ key: String, path: String? = nil) -> String? {
            guard let value = object[key], value != .null else { return nil }
            guard case .string(let text) = value else {
                add(path ?? key, "invalid", "Expected a string.")
                return nil
            }
            return text
        }

        mutating func bool(_ object: [String: JSONValue], _ key: String) -> Bool? {
            guard let value = object[key], value != .null else { return nil }
            guard case .bool(let flag) = value else {
                add(key, "invalid", "Expected true or false.")
                return nil
            }
            return flag
        }

        mutating func array(_ object: [String: JSONValue], _ key: String) -> [JSONValue]? {
            guard let value = object[key], value != .null else { return nil }
            guard case .array(let items) = value else {
                add(key, "invalid", "Expected a list.")
                return nil
            }
            return items
        }
    }
}

/// Any JSON value, decoded strictly: `true` is a boolean, never the number 1.
public enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
