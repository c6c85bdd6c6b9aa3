import Foundation
import IblaghSchemas
import ReportValidation
import Testing

/// What the JSON API's decoder and validator take, held to docs/openapi/intake.json (Schemathesis found each of these
/// differing: APIConformance in OpenAPITests).
@Suite("A report's JSON: dates, lengths and addresses as the API description says")
struct ReportJSONTests {
    @Test("occurred_at is any RFC 3339 date-time: fractional seconds, an offset, a lowercase t or z; a day the month lacks is not one")
    func rfc3339() throws {
        let base = try #require(RFC3339.date(from: "2026-11-02T21:00:00Z"))
        #expect(base == Date(timeIntervalSince1970: 1_793_653_200))
        #expect(RFC3339.date(from: "2026-11-02t22:00:00.25+01:00") == base.addingTimeInterval(0.25))
        #expect(RFC3339.date(from: "2026-11-02T19:30:00-01:30z") == nil)
        #expect(RFC3339.date(from: "2026-11-02T19:30:00-01:30") == base)
        #expect(RFC3339.date(from: "2024-02-29T00:00:00z") != nil)
        #expect(RFC3339.date(from: "1969-12-31T23:59:59Z") == Date(timeIntervalSince1970: -1))
        #expect(RFC3339.date(from: "2016-12-31T23:59:60Z").map { $0.timeIntervalSince1970 } == 1_483_228_799)
        for wrong in ["2023-02-29T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-02T24:00:00Z", "2026-11-02T21:00:00",
                      "2026-11-02 21:00:00Z", "2026-11-02T21:00:00.Z", "2026-11-02T21:00Z", "26-11-02T21:00:00Z", "2026-11-02T21:00:00+0100", ""] {
            #expect(RFC3339.date(from: wrong) == nil, "\(wrong)")
        }
        let decoded = ReportJSON.decode(Array(#"{"category": "fraud", "description": "x", "residence": "Rabat", "preferred_language": "fr", "occurred_at": "2026-11-02T21:00:00.5Z"}"#.utf8))
        #expect((try? decoded.get())?.occurredAt.date == base.addingTimeInterval(0.5))
    }

    @Test("lengths count Unicode code points, as JSON Schema's maxLength does: combining marks count")
    func lengthInCodePoints() throws {
        var report = Iblagh_V1_Report.with {
            $0.category = .fraud
            $0.residence = "Rabat"
            $0.preferredLanguage = .french
            $0.description_p = String(repeating: "e\u{301}", count: 5_000)   // 5,000 characters, 10,000 code points
        }
        let validator = ReportValidator()
        #expect(validator.violations(of: report).isEmpty)
        report.description_p += "e\u{301}"
        #expect(validator.violations(of: report).map(\.field) == ["description"])
    }

    @Test("an e-mail address with a control character is refused")
    func emailControls() {
        let report = Iblagh_V1_Report.with {
            $0.category = .fraud
            $0.description_p = "x"
            $0.residence = "Rabat"
            $0.preferredLanguage = .french
            $0.reporter = .with { $0.email = "a\u{11}b@example.org" }
        }
        #expect(ReportValidator().violations(of: report).map(\.field) == ["reporter.email"])
    }
}
