import Foundation
import ReportValidation
import Testing
import TestSupport

@testable import Intake

/// docs/openapi/intake.json describes the JSON API for integrators' tools; these tests hold it to the code (routes,
/// fields, enumerations, limits) and to what a real intake answers.
@Suite("docs/openapi/intake.json is the JSON API as it is")
struct OpenAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    static func spec() throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("docs/openapi/intake.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func schema(_ name: String, in spec: [String: Any]) throws -> [String: Any] {
        try #require(((spec["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any], "no schema \(name)")
    }

    static func properties(_ name: String, in spec: [String: Any]) throws -> [String: [String: Any]] {
        try #require(try schema(name, in: spec)["properties"] as? [String: [String: Any]], "\(name) has no properties")
    }

    @Test("every route intake's JSON API and probes answer is described, and nothing else")
    func routes() throws {
        let spec = try Self.spec()
        let described = Set((spec["paths"] as? [String: [String: Any]] ?? [:]).flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
        var served = Set<String>()
        let route = try NSRegularExpression(pattern: #"router\.(get|post|put|patch|delete)\("([^"]+)""#)
        for file in ["Services/Intake/HTTP/IntakeHTTPAPI.swift", "Shared/ServiceBootstrap/Probes.swift"] {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            for match in route.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                served.insert("\(text[Range(match.range(at: 1), in: text)!].uppercased()) \(text[Range(match.range(at: 2), in: text)!])")
            }
        }
        #expect(served.count == 6, "\(served.sorted())")
        #expect(described == served)
    }

    @Test("the report's fields, enumerations and limits are the validator's")
    func reportSchema() throws {
        let spec = try Self.spec()
        let report = try Self.properties("Report", in: spec)
        #expect(Set(report.keys) == ReportJSON.fields)
        #expect(Set(try Self.properties("ReportedAccount", in: spec).keys) == ReportJSON.accountFields)
        #expect(Set(try Self.properties("Reporter", in: spec).keys) == ReportJSON.reporterFields)
        #expect(Set(report["category"]?["enum"] as? [String] ?? []) == Set(ReportJSON.categories.keys))
        #expect(Set(report["preferred_language"]?["enum"] as? [String] ?? []) == Set(ReportJSON.languages.keys))
        let account = try Self.properties("ReportedAccount", in: spec)
        #expect(Set(account["kind"]?["enum"] as? [String] ?? []) == Set(ReportJSON.accountKinds.keys))
        let step = try Self.properties("Step", in: spec)["step"]?["enum"] as? [String] ?? []
        #expect(Set(step) == ReporterSteps.steps.union(["received"]))

        let limits = ReportLimits()
        let reporter = try Self.properties("Reporter", in: spec)
        for (described, limit) in [
            (report["description"]?["maxLength"], limits.descriptionCharacters), (report["residence"]?["maxLength"], limits.residenceCharacters),
            (report["reported_accounts"]?["maxItems"], limits.reportedAccounts), (account["value"]?["maxLength"], limits.accountValueCharacters),
            (account["platform"]?["maxLength"], limits.platformCharacters), (reporter["full_name"]?["maxLength"], limits.nameCharacters),
            (reporter["email"]?["maxLength"], limits.emailCharacters),
        ] {
            #expect(described as? Int == limit)
        }
        let evidence = (spec["paths"] as? [String: Any]).flatMap { $0["/v1/reports/{tracking}/evidence"] as? [String: Any] }
            .flatMap { $0["post"] as? [String: Any] }.flatMap { $0["requestBody"] as? [String: Any] }.flatMap { $0["content"] as? [String: Any] }
        #expect(Set(evidence?.keys ?? [:].keys) == Set(EvidencePolicy.mediaTypes.keys))
    }

    @Test("a real intake accepts the described examples and answers in the described shapes")
    func answers() async throws {
        let spec = try Self.spec()
        let intake = try await IntakeFixture()
        let submit = try #require(((spec["paths"] as? [String: Any])?["/v1/reports"] as? [String: Any])?["post"] as? [String: Any])
        let examples = try #require(
            (((submit["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["examples"] as? [String: [String: Any]])
        #expect(examples.count >= 2)
        func keys(_ body: [UInt8]) throws -> Set<String> {
            Set(try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]).keys)
        }
        func described(_ name: String) throws -> Set<String> { Set(try Self.properties(name, in: spec).keys) }

        for (name, example) in examples.sorted(by: { $0.key < $1.key }) {
            let body = try JSONSerialization.data(withJSONObject: try #require(example["value"]))
            let posted = try await intake.http("POST", "/v1/reports", body: [UInt8](body), headers: ["Content-Type": "application/json"])
            #expect(posted.status == 201, "example \(name): \(String(decoding: posted.body, as: UTF8.self))")
            #expect(try keys(posted.body) == described("Accepted"))
            let accepted = try JSONSerialization.jsonObject(with: Data(posted.body)) as? [String: Any]
            let tracking = try #require(accepted?["tracking_id"] as? String), secret = try #require(accepted?["receipt_secret"] as? String)
            let status = try await intake.http("GET", "/v1/reports/\(tracking)", headers: ["Iblagh-Receipt-Secret": secret])
            #expect(status.status == 200)
            #expect(try keys(status.body) == described("CaseStatus"))
            let file = try await intake.http(
                "POST", "/v1/reports/\(tracking)/evidence", body: Array("a screenshot's text\n".utf8),
                headers: ["Content-Type": "text/plain", "Iblagh-File-Name": "note.txt", "Iblagh-Receipt-Secret": secret])
            #expect(file.status == 201, "\(String(decoding: file.body, as: UTF8.self))")
            #expect(try keys(file.body) == described("EvidenceReceipt"))
        }
        let refused = try await intake.http("POST", "/v1/reports", body: Array(#"{"category": "gossip", "colour": "red"}"#.utf8), headers: ["Content-Type": "application/json"])
        #expect(refused.status == 422 && refused.headers["content-type"] == "application/problem+json")
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(refused.body)) as? [String: Any])
        #expect(try Set(problem.keys).isSubset(of: described("Problem")) && Set(try Self.schema("Problem", in: spec)["required"] as? [String] ?? []).isSubset(of: problem.keys))
        let violations = try #require(problem["violations"] as? [[String: Any]])
        #expect(try violations.allSatisfy { Set($0.keys) == (try described("FieldViolation")) })
        #expect(Set(violations.compactMap { $0["field"] as? String }).isSuperset(of: ["category", "colour", "description", "residence", "preferred_language"]))
    }
}
