import Foundation
import ReportValidation
import Testing
import TestSupport

@testable import Intake

/// docs/openapi/intake.json describes the JSON API for integrators' tools; these tests hold it to the code (routes,
/// fields, enumerations, limits) and to what a real intake answers.
@Suite("docs/openapi/intake.json is the JSON API as it is")
struct OpenAPITests {
    @Test("every route intake's JSON API and probes answer is described, and nothing else")
    func routes() throws {
        let served = try OpenAPIDocument.routes(in: ["Services/Intake/HTTP/IntakeHTTPAPI.swift", "Shared/ServiceBootstrap/Probes.swift"])
        #expect(served.count == 7, "\(served.sorted())")
        #expect(try OpenAPIDocument("intake.json").operations == served)
    }

    @Test("the report's fields, enumerations and limits are the validator's")
    func reportSchema() throws {
        let spec = try OpenAPIDocument("intake.json")
        let report = try spec.properties("Report"), account = try spec.properties("ReportedAccount"), reporter = try spec.properties("Reporter")
        #expect(Set(report.keys) == ReportJSON.fields)
        #expect(Set(account.keys) == ReportJSON.accountFields)
        #expect(Set(reporter.keys) == ReportJSON.reporterFields)
        #expect(try spec.enumeration("Report", "category") == Set(ReportJSON.categories.keys))
        #expect(try spec.enumeration("Report", "preferred_language") == Set(ReportJSON.languages.keys))
        #expect(try spec.enumeration("ReportedAccount", "kind") == Set(ReportJSON.accountKinds.keys))
        #expect(try spec.enumeration("Step", "step") == ReporterSteps.steps.union(["received"]))

        let limits = ReportLimits()
        for (described, limit) in [
            (report["description"]?["maxLength"], limits.descriptionCharacters), (report["residence"]?["maxLength"], limits.residenceCharacters),
            (report["reported_accounts"]?["maxItems"], limits.reportedAccounts), (account["value"]?["maxLength"], limits.accountValueCharacters),
            (account["platform"]?["maxLength"], limits.platformCharacters), (reporter["full_name"]?["maxLength"], limits.nameCharacters),
            (reporter["email"]?["maxLength"], limits.emailCharacters),
        ] {
            #expect(described as? Int == limit)
        }
        let evidence = (try spec.operation("post", "/v1/reports/{tracking}/evidence")["requestBody"] as? [String: Any])?["content"] as? [String: Any]
        #expect(Set(evidence?.keys.map { $0 } ?? []) == Set(EvidencePolicy.mediaTypes.keys))
    }

    @Test("a real intake accepts the described examples and answers in the described shapes")
    func answers() async throws {
        let spec = try OpenAPIDocument("intake.json")
        let intake = try await IntakeFixture()
        let body = try #require(try spec.operation("post", "/v1/reports")["requestBody"] as? [String: Any])
        let examples = try #require(((body["content"] as? [String: Any])?["application/json"] as? [String: Any])?["examples"] as? [String: [String: Any]])
        #expect(examples.count >= 2)
        func object(_ body: [UInt8]) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        }

        for (name, example) in examples.sorted(by: { $0.key < $1.key }) {
            let report = try JSONSerialization.data(withJSONObject: try #require(example["value"]))
            let posted = try await intake.http("POST", "/v1/reports", body: [UInt8](report), headers: ["Content-Type": "application/json"])
            #expect(posted.status == 201, "example \(name): \(String(decoding: posted.body, as: UTF8.self))")
            let accepted = try object(posted.body)
            #expect(try spec.conforms(accepted, to: "Accepted"))
            let tracking = try #require(accepted["tracking_id"] as? String), secret = try #require(accepted["receipt_secret"] as? String)
            let status = try await intake.http("GET", "/v1/reports/\(tracking)", headers: ["Iblagh-Receipt-Secret": secret])
            #expect(status.status == 200)
            #expect(try spec.conforms(object(status.body), to: "CaseStatus"))
            let file = try await intake.http(
                "POST", "/v1/reports/\(tracking)/evidence", body: Array("a screenshot's text\n".utf8),
                headers: ["Content-Type": "text/plain", "Iblagh-File-Name": "note.txt", "Iblagh-Receipt-Secret": secret])
            #expect(file.status == 201, "\(String(decoding: file.body, as: UTF8.self))")
            #expect(try spec.conforms(object(file.body), to: "EvidenceReceipt"))
        }
        // The running service serves its description, the file byte for byte.
        let served = try await intake.http("GET", "/v1/openapi.json")
        #expect(served.status == 200 && served.headers["content-type"] == "application/json")
        #expect(served.body == [UInt8](try Data(contentsOf: OpenAPIDocument.repository.appendingPathComponent("docs/openapi/intake.json"))))
        let refused = try await intake.http("POST", "/v1/reports", body: Array(#"{"category": "gossip", "colour": "red"}"#.utf8), headers: ["Content-Type": "application/json"])
        #expect(refused.status == 422 && refused.headers["content-type"] == "application/problem+json")
        let problem = try object(refused.body)
        #expect(try spec.conforms(problem, to: "Problem"))
        let violations = try #require(problem["violations"] as? [[String: Any]])
        #expect(try violations.allSatisfy { try spec.conforms($0, to: "FieldViolation") })
        #expect(Set(violations.compactMap { $0["field"] as? String }).isSuperset(of: ["category", "colour", "description", "residence", "preferred_language"]))
    }

    @Test("Schemathesis finds every answer of a real intake as described: no 5xx, valid reports accepted, invalid ones refused, a report's links followed")
    func schemathesis() async throws {
        let intake = try await IntakeFixture()
        let result = try await Schemathesis.check("intake.json", port: intake.httpPort, scratch: intake.directory)
        #expect(result.status == 0, "\(result.output)\(result.error)")
        // The stateful phase followed an accepted report's links (to its status and its evidence: two from a 201,
        // two from a retry's 200), and a file sent that way was stored.
        let covered = result.output.firstMatch(of: /API Links: +(\d+) covered/).flatMap { Int($0.1) } ?? 0
        #expect(covered >= 2, "\(result.output)")
        #expect(try await intake.count("intake_report") > 0)
        #expect(try await intake.count("intake_evidence") > 0)
    }
}
