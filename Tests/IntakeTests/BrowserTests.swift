import Foundation
import Testing
import IblaghStore
import TestSupport

/// The citizen's web in a real headless Chromium, driven through selenium by Tests/Browser/citizen_web.py: in
/// Arabic and French, on a phone-sized window, report with a file, read the receipt, follow the report; without
/// JavaScript, see the errors. Screenshots of every step: state/test-artefacts/citizen-web/.
@Suite("The citizen's web in a real browser")
struct BrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    @Test("Arabic and French: fill the form, upload a file, submit, read the tracking id, follow the report; no JavaScript: errors")
    func reportInChromium() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            Issue.record("Debian's chromium and chromium-driver are needed: run the tests through the README's test command (deploy/test.sh)")
            return
        }
        let intake = try await IntakeFixture()
        let artefacts = Self.root.appendingPathComponent("state/test-artefacts/citizen-web").path
        try? FileManager.default.removeItem(atPath: artefacts)
        let script = Self.root.appendingPathComponent("Tests/Browser/citizen_web.py").path
        let result = try await run("/usr/bin/env", ["python3", script, intake.baseURL.absoluteString, artefacts], timeout: 300)
        #expect(result.status == 0, "\(result.output)\(result.error)")
        let seen = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
        #expect((seen["failures"] as? [String]) == [], "\(seen["failures"] ?? "no result")")
        let reports = seen["reports"] as? [[String: Any]] ?? []
        #expect(reports.map { $0["dir"] as? String } == ["rtl", "ltr"])
        let trackingIDs = reports.compactMap { $0["tracking_id"] as? String }
        #expect(trackingIDs.count == 2 && trackingIDs.allSatisfy { $0.hasPrefix("IBL-") })
        // What the browser submitted is in intake's store: both reports, each with its sealed file, from the web form.
        #expect(try await intake.count("intake_report") == 2)
        #expect(try await intake.count("intake_evidence") == 2)
        for id in trackingIDs {
            #expect(try await intake.query("SELECT 1 AS one FROM intake_report WHERE tracking_id = ?", [.text(id)]).count == 1)
        }
        // A screenshot of every step, each a real PNG.
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: artefacts)) ?? []
        #expect(shots.count >= 11, "\(shots)")
        for shot in shots {
            let bytes = FileManager.default.contents(atPath: "\(artefacts)/\(shot)") ?? Data()
            #expect(bytes.count > 1000 && bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(shot) is not a screenshot")
        }
    }
}
