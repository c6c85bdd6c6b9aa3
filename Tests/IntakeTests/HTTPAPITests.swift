import Foundation
import Testing
import TestSupport

@Suite("Intake's JSON API: reports, status, evidence, and every kind of bad request", .serialized)
struct HTTPAPITests {
    static let json = ["Content-Type": "application/json"]

    @Test("a report posted as JSON is accepted; its status needs the receipt secret; a wrong one looks like an unknown id", arguments: StoreKind.allCases)
    func postThenFollow(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let posted = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: Self.json)
        #expect(posted.status == 201)
        let accepted = try JSONDecoder().decode(AcceptedReply.self, from: Data(posted.body))
        #expect(try await intake.count("intake_report") == 1)
        #expect(try await intake.count("hop_outbox") == 2)

        let status = try await intake.http("GET", "/v1/reports/\(accepted.tracking_id)", headers: ["Iblagh-Receipt-Secret": accepted.receipt_secret])
        #expect(status.status == 200)
        let view = try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any]
        #expect(view?["status"] as? String == "received")
        #expect(view?["category"] as? String == "sextortion")

        let wrong = try await intake.http("GET", "/v1/reports/\(accepted.tracking_id)", headers: ["Iblagh-Receipt-Secret": "AAAAA-BBBBB-CCCCC-DDDDD"])
        let unknown = try await intake.http("GET", "/v1/reports/IBL-2026-000000000000", headers: ["Iblagh-Receipt-Secret": accepted.receipt_secret])
        #expect(wrong.status == 404)
        #expect(wrong.body == unknown.body)
        #expect(unknown.status == 404)
    }

    @Test("Idempotency-Key: a retried POST returns the same tracking id and stores nothing new; the key used for another report is refused", arguments: StoreKind.allCases)
    func idempotentPost(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let headers = Self.json.merging(["Idempotency-Key": "form-7"]) { $1 }
        let first = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: headers)
        let again = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: headers)
        #expect(first.status == 201)
        #expect(again.status == 200)
        let a = try JSONDecoder().decode(AcceptedReply.self, from: Data(first.body))
        let b = try JSONDecoder().decode(AcceptedReply.self, from: Data(again.body))
        #expect(a.tracking_id == b.tracking_id && a.receipt_secret == b.receipt_secret && b.duplicate)
        #expect(try await intake.count("intake_report") == 1)
        // The key used again for a different report: refused by the key's name, never answered as the first one.
        let other = Canary.json.replacingOccurrences(of: Canary.description, with: "another report under the same key")
        let reused = try await intake.http("POST", "/v1/reports", body: Array(other.utf8), headers: headers)
        #expect(reused.status == 422 && reused.headers["content-type"] == "application/problem+json")
        let problem = try JSONSerialization.jsonObject(with: Data(reused.body)) as? [String: Any]
        let violations = problem?["violations"] as? [[String: Any]] ?? []
        #expect(violations.map { $0["field"] as? String } == ["Idempotency-Key"] && violations.first?["code"] as? String == "reused", "\(violations)")
        #expect(!String(decoding: reused.body, as: UTF8.self).contains(a.tracking_id))
        #expect(try await intake.count("intake_report") == 1)
        // And the first report's retry is still its retry.
        #expect(try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: headers).status == 200)
    }

    @Test("bad requests get a clear problem, and nothing is stored", arguments: [
        BadRequest(name: "malformed JSON", body: "{\"category\": ", contentType: "application/json", status: 422, field: ""),
        BadRequest(name: "unknown field", body: Canary.json.replacingOccurrences(of: "\"victim_is_minor\"", with: "\"victim_minor\""), contentType: "application/json", status: 422, field: "victim_minor"),
        BadRequest(name: "wrong type", body: Canary.json.replacingOccurrences(of: "\"victim_is_minor\": false", with: "\"victim_is_minor\": 0"), contentType: "application/json", status: 422, field: "victim_is_minor"),
        BadRequest(name: "unknown category", body: Canary.json.replacingOccurrences(of: "\"sextortion\"", with: "\"gossip\""), contentType: "application/json", status: 422, field: "category"),
        BadRequest(name: "future date", body: Canary.json.replacingOccurrences(of: "2026-11-01T21:00:00Z", with: "2099-01-01T00:00:00Z"), contentType: "application/json", status: 422, field: "occurred_at"),
        BadRequest(name: "huge description", body: Canary.json.replacingOccurrences(of: Canary.description, with: String(repeating: "x", count: 20_000)), contentType: "application/json", status: 422, field: "description"),
        BadRequest(name: "oversized body", body: "{\"description\": \"" + String(repeating: "x", count: 70_000) + "\"}", contentType: "application/json", status: 413, field: nil),
        BadRequest(name: "wrong content type", body: Canary.json, contentType: "text/plain", status: 415, field: nil),
    ])
    func badRequests(_ bad: BadRequest) async throws {
        let intake = try await IntakeFixture(test: "badRequests-\(bad.name)")
        let answer = try await intake.http("POST", "/v1/reports", body: Array(bad.body.utf8), headers: ["Content-Type": bad.contentType])
        #expect(answer.status == bad.status, "\(bad.name)")
        #expect(answer.headers["content-type"] == "application/problem+json")
        let problem = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        #expect(problem?["status"] as? Int == bad.status)
        #expect((problem?["detail"] as? String)?.isEmpty == false)
        if let field = bad.field {
            let fields = (problem?["violations"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains(field), "\(bad.name): \(fields)")
        }
        #expect(!String(decoding: answer.body, as: UTF8.self).contains(Canary.name))
        #expect(try await intake.count("intake_report") == 0)
    }

    @Test("one answer names every field to mend: a field of the wrong type and the required ones missing beside it, each once")
    func everyFieldAtOnce() async throws {
        let intake = try await IntakeFixture()
        let answer = try await intake.http("POST", "/v1/reports", body: Array(#"{"category": 3, "victim_is_minor": "no"}"#.utf8), headers: Self.json)
        #expect(answer.status == 422)
        let problem = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        let fields = (problem?["violations"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
        #expect(fields.sorted() == ["category", "description", "preferred_language", "residence", "victim_is_minor"], "\(fields)")
        #expect(try await intake.count("intake_report") == 0)
    }

    @Test("status lookups are rate limited per client with a 429 and Retry-After advice")
    func rateLimit() async throws {
        let intake = try await IntakeFixture(extra: ["statusLimit": ["perMinute": 1]])
        var answers: [(status: Int, headers: [String: String], body: [UInt8])] = []
        for _ in 0..<8 {
            answers.append(try await intake.http("GET", "/v1/reports/IBL-2026-000000000000", headers: ["Iblagh-Receipt-Secret": "x"]))
        }
        #expect(answers.prefix(5).allSatisfy { $0.status == 404 })
        #expect(answers.last?.status == 429)
        #expect(Int(answers.last?.headers["retry-after"] ?? "") ?? 0 >= 1)
    }

    @Test("probes and metrics answer; HEAD is answered wherever GET is, and a method a path does not take is 405 naming those it does")
    func probes() async throws {
        let intake = try await IntakeFixture()
        #expect(try await intake.http("GET", "/healthz").status == 200)
        let ready = try await intake.http("GET", "/readyz")
        #expect(ready.status == 200 && ready.headers["content-type"] == "text/plain; charset=utf-8")
        let head = try await intake.http("HEAD", "/readyz")
        #expect(head.status == 200 && head.body.isEmpty)
        for (method, path, allowed) in [("DELETE", "/v1/reports", "POST"), ("PUT", "/metrics", "GET, HEAD"), ("POST", "/v1/reports/IBL-2026-000000000000", "GET, HEAD")] {
            let refused = try await intake.http(method, path)
            #expect(refused.status == 405 && refused.headers["allow"] == allowed, "\(method) \(path): \(refused.status) \(refused.headers)")
        }
        #expect(try await intake.http("GET", "/v1/nothing/here/at/all").status == 404)
        _ = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: Self.json)
        let metrics = String(decoding: try await intake.http("GET", "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("iblagh_intake_reports_total"))
        #expect(metrics.contains("iblagh_hop_"))
        let version = try await run(builtExecutable("iblagh-intake"), ["--version"])
        let build = try #require(version.output.firstMatch(of: /\sbuild\s([0-9a-f]{12})\s/)?.1)
        #expect(metrics.contains(#"iblagh_build_info{build="\#(build)",libzmq="4."#), "\(metrics)")
    }
}

struct BadRequest: Sendable, CustomTestStringConvertible {
    let name: String
    let body: String
    let contentType: String
    let status: Int
    /// The field a violation must name (nil: not a field problem; "" : the body as a whole).
    let field: String?
    var testDescription: String { name }
}

struct AcceptedReply: Decodable {
    let tracking_id: String
    let receipt_secret: String
    let duplicate: Bool
}
