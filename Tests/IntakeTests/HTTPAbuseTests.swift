import Foundation
import Testing
import TestSupport

/// Clients that misbehave on purpose against intake's HTTP side: each gets a clear 4xx or a closed connection,
/// nothing is stored, and well-behaved clients are served meanwhile.
@Suite("HTTP abuse: slow, stalled, oversized, tricky and bursting clients")
struct HTTPAbuseTests {
    static let json = ["Content-Type": "application/json"]

    @Test("a body trickled slower than the minimum pace gets 408 and stores nothing; a normal client is served meanwhile")
    func slowBody() async throws {
        let intake = try await IntakeFixture(extra: ["http": ["host": "127.0.0.1", "port": 0, "bodyGraceSeconds": 1, "minimumBytesPerSecond": 100]])
        let body = Array(Canary.json.utf8)
        let port = intake.httpPort
        let slow = Task {
            try await detached { () -> (Int?, Double) in
                let client = try RawTCP(port: port)
                client.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
                let start = Date()
                for byte in body {  // 5 bytes a second: the report would take a minute
                    guard client.send([byte]) else { break }
                    let answer = client.receive(timeout: 0.2)
                    if !answer.bytes.isEmpty || answer.closed { return (RawTCP.status(of: answer.bytes), Date().timeIntervalSince(start)) }
                    if Date().timeIntervalSince(start) > 8 { break }
                }
                return (nil, Date().timeIntervalSince(start))
            }
        }
        let normal = try await intake.http("POST", "/v1/reports", body: body, headers: Self.json)
        #expect(normal.status == 201)
        let (status, seconds) = try await slow.value
        #expect(status == 408)
        #expect(seconds < 5, "cut off after \(seconds) s")
        #expect(try await intake.count("intake_report") == 1)
    }

    @Test("a connection that sends nothing, or half a request, is closed after the idle timeout")
    func stalledConnections() async throws {
        let intake = try await IntakeFixture(extra: ["http": ["host": "127.0.0.1", "port": 0, "idleTimeoutSeconds": 1]])
        let port = intake.httpPort
        let silent = try RawTCP(port: port)
        let halfHeaders = try RawTCP(port: port)
        halfHeaders.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\n")
        let halfBody = try RawTCP(port: port)
        halfBody.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"category\":")
        for (name, client) in [("silent", silent), ("half the headers", halfHeaders), ("half the body", halfBody)] {
            let answer = try await detached { client.receive(timeout: 6) }
            #expect(answer.closed, "\(name): still open after 6 s")
        }
        #expect(try await intake.http("GET", "/healthz").status == 200)
        #expect(try await intake.count("intake_report") == 0)
    }

    @Test("headers over the cap are refused; the service keeps serving")
    func hugeHeaders() async throws {
        let intake = try await IntakeFixture()
        let port = intake.httpPort
        let answer = try await detached { () -> (bytes: [UInt8], closed: Bool) in
            let client = try RawTCP(port: port)
            client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: \(String(repeating: "a", count: 40_000))\r\n\r\n")
            return client.receive(timeout: 5)
        }
        let status = RawTCP.status(of: answer.bytes)
        #expect(status == 431 || status == 400 || (status == nil && answer.closed), "got \(String(describing: status))")
        #expect(try await intake.http("GET", "/healthz").status == 200)
    }

    @Test("bodies nested thousands deep, a body larger than declared, and a declared length past the cap are refused")
    func hostileBodies() async throws {
        let intake = try await IntakeFixture()
        let nested = try await intake.http("POST", "/v1/reports", body: Array(String(repeating: "[", count: 60_000).utf8), headers: Self.json)
        #expect(nested.status == 422)
        let deepObject = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(try await intake.http("POST", "/v1/reports", body: Array(deepObject.utf8), headers: Self.json).status == 422)
        let port = intake.httpPort
        let declared = try await detached { () -> Int? in
            let client = try RawTCP(port: port)
            client.send("POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{")
            return RawTCP.status(of: client.receive(timeout: 5).bytes)
        }
        #expect(declared == 413)
        #expect(try await intake.http("GET", "/healthz").status == 200)
        #expect(try await intake.count("intake_report") == 0)
    }

    @Test("evidence names that try to be paths are refused and nothing is stored", arguments: [
        "..%2F..%2Fetc%2Fpasswd", "../x.png", "..", ".", ".htaccess", "a%5Cb.png", "dir%2Fx.png", "x%00.png", "%0Ax.png",
        String(repeating: "a", count: 300) + ".png",
    ])
    func evidencePathTricks(_ name: String) async throws {
        let intake = try await IntakeFixture(test: "evidencePathTricks-\(name.prefix(12))")
        let posted = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: Self.json)
        let report = try JSONDecoder().decode(AcceptedReply.self, from: Data(posted.body))
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        let answer = try await intake.http(
            "POST", "/v1/reports/\(report.tracking_id)/evidence", body: png,
            headers: ["Iblagh-Receipt-Secret": report.receipt_secret, "Content-Type": "image/png", "Iblagh-File-Name": name])
        #expect(answer.status == 422, "\(name)")
        let problem = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        #expect((problem?["violations"] as? [[String: Any]])?.first?["field"] as? String == "file_name")
        #expect(try await intake.count("intake_evidence") == 0)
        #expect(try await intake.count("intake_evidence_chunk") == 0)
    }

    @Test("a burst of submissions past the limit: the burst is accepted, the rest get 429 with Retry-After and are not stored")
    func submissionBurst() async throws {
        // One new token a minute: the ten requests must not see a refill however slowly a loaded machine serves them
        // (at 6 a minute a CI run took over 10 s and a fourth report got through).
        let intake = try await IntakeFixture(extra: ["rateLimit": ["perMinute": 1, "burst": 3]])
        var statuses: [Int] = []
        var retryAfter: [String] = []
        for _ in 0..<10 {
            let answer = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: Self.json)
            statuses.append(answer.status)
            if answer.status == 429 { retryAfter.append(answer.headers["retry-after"] ?? "") }
        }
        #expect(statuses.prefix(3).allSatisfy { $0 == 201 }, "\(statuses)")
        #expect(statuses.dropFirst(3).allSatisfy { $0 == 429 }, "\(statuses)")
        #expect(retryAfter.allSatisfy { (Int($0) ?? 0) >= 1 })
        #expect(try await intake.count("intake_report") == 3)
    }
}
