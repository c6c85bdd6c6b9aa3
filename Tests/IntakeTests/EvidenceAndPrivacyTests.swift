import Foundation
import Hexadecimal
import IblaghCrypto
import IblaghSchemas
import Testing
import TestSupport

@Suite("Evidence and personal data at rest", .serialized)
struct EvidenceAndPrivacyTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("canary-evidence-bytes-55e1".utf8) + [UInt8](repeating: 7, count: 200_000)

    func acceptedReport(_ intake: IntakeFixture) async throws -> AcceptedReply {
        let posted = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: ["Content-Type": "application/json"])
        return try JSONDecoder().decode(AcceptedReply.self, from: Data(posted.body))
    }

    @Test("evidence is hashed as it arrives and stored encrypted; type, size and secret are enforced", arguments: StoreKind.allCases)
    func evidenceUpload(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let report = try await acceptedReport(intake)
        let path = "/v1/reports/\(report.tracking_id)/evidence"
        let headers = ["Iblagh-Receipt-Secret": report.receipt_secret, "Content-Type": "image/png", "Iblagh-File-Name": "capture%20d%27%C3%A9cran.png"]
        let uploaded = try await intake.http("POST", path, body: Self.png, headers: headers)
        #expect(uploaded.status == 201)
        let receipt = try JSONSerialization.jsonObject(with: Data(uploaded.body)) as? [String: Any]
        let expected = SHA256Hex.of(Self.png)
        #expect(receipt?["sha256"] as? String == expected)
        let rows = try await intake.query("SELECT sha256, size, quarantined FROM intake_evidence")
        #expect(rows.count == 1 && rows[0].text("sha256") == expected && rows[0].integer("quarantined") == 0)
        #expect(try await intake.count("intake_evidence_chunk") == 4)  // 200 KiB in 64-KiB sealed chunks

        let forbidden = try await intake.http("POST", path, body: Array("MZ\u{90}".utf8), headers: headers.merging(["Content-Type": "application/x-msdownload"]) { $1 })
        #expect(forbidden.status == 415)
        let mismatch = try await intake.http("POST", path, body: Array("not a png at all".utf8), headers: headers)
        #expect(mismatch.status == 422)
        let tooLarge = try await intake.http("POST", path, body: Self.png + [UInt8](repeating: 1, count: 1024 * 1024), headers: headers)
        #expect(tooLarge.status == 413)
        let pathName = try await intake.http("POST", path, body: Self.png, headers: headers.merging(["Iblagh-File-Name": "..%2F..%2Fetc%2Fpasswd"]) { $1 })
        #expect(pathName.status == 422)
        let wrongSecret = try await intake.http("POST", path, body: Self.png, headers: headers.merging(["Iblagh-Receipt-Secret": "nope"]) { $1 })
        #expect(wrongSecret.status == 404)
        #expect(try await intake.count("intake_evidence") == 1)
    }

    @Test("a file on the known-material list is quarantined", arguments: StoreKind.allCases)
    func knownMaterialIsQuarantined(store: StoreKind) async throws {
        let intake = try await IntakeFixture(store: store)
        let report = try await acceptedReport(intake)
        let uploaded = try await intake.http(
            "POST", "/v1/reports/\(report.tracking_id)/evidence", body: IntakeFixture.knownFile,
            headers: ["Iblagh-Receipt-Secret": report.receipt_secret, "Content-Type": "text/plain", "Iblagh-File-Name": "note.txt"])
        #expect(uploaded.status == 201)
        let rows = try await intake.query("SELECT quarantined FROM intake_evidence")
        #expect(rows.map { $0.integer("quarantined") } == [1])
    }

    @Test("the database file and the logs hold none of the reporter's name, phone, description or evidence bytes")
    func noPersonalDataInTheClear() async throws {
        let intake = try await IntakeFixture()
        let report = try await acceptedReport(intake)
        _ = try await intake.http(
            "POST", "/v1/reports/\(report.tracking_id)/evidence", body: Self.png,
            headers: ["Iblagh-Receipt-Secret": report.receipt_secret, "Content-Type": "image/png", "Iblagh-File-Name": "canary-file-name.png"])
        let socket = try await intake.integrator()
        _ = try await intake.submit(Canary.submit(key: "acme-privacy"), on: socket)
        var bad = Canary.report()
        bad.reporter.email = "canary-bad-address"
        _ = try await intake.submit(Canary.submit(key: "acme-privacy-2", report: bad), on: socket)
        intake.process.stop()  // flush: the WAL is folded into the database file or left beside it; read both
        var stored: [UInt8] = []
        for suffix in ["", "-wal"] {
            stored += (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: intake.database + suffix)))) ?? []
        }
        let logs = (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: intake.logPath)))) ?? []
        #expect(!logs.isEmpty, "the test needs intake's debug logs")
        for canary in [Canary.name, Canary.phone, "0699887766", "canary-description-7f3a9", "canary-evidence-bytes-55e1",
                       "canary-file-name", "canary-bad-address", report.receipt_secret] {
            #expect(!contains(stored, canary), "\(canary) is in the database in clear")
            #expect(!contains(logs, canary), "\(canary) is in the logs")
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let bytes = Array(needle.utf8)
        guard bytes.count <= haystack.count else { return false }
        return haystack.withUnsafeBufferPointer { buffer in
            (0...(buffer.count - bytes.count)).contains { start in
                buffer[start] == bytes[0] && Array(buffer[start..<(start + bytes.count)]) == bytes
            }
        }
    }
}

enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        Hex.string(SHA256.hash(bytes))
    }
}
