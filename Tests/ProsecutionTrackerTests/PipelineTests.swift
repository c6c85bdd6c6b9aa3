import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IblaghSchemas
import Testing
import TestSupport

@Suite("The whole pipeline: five services as real processes")
struct PipelineTests {
    @Test("a report over the bus and one over HTTP reach the competent unit's console, are acknowledged, and are counted by statistics")
    func reportsFlowThroughEveryService() async throws {
        let intake = try await IntakeFixture()
        let routers = try await RouterFixture(intake: intake, instances: 2)
        let notifier = try await NotifierFixture(routers: routers, regions: "04,06,national", testClock: false)
        let tracker = try await TrackerFixture(intake: intake, routers: routers, notifier: (notifier.dispatchEndpoint, "\(notifier.keys)/own/notifier.key"))
        try "operator-key-for-the-pipeline-test".write(toFile: "\(intake.directory)/operator.key", atomically: true, encoding: .utf8)
        let configuration: [String: Any] = ["statistics": [
            "database": "\(intake.directory)/statistics.db", "key": "\(tracker.keys)/own/statistics.key_secret",
            "trackers": "\(tracker.dispatchEndpoint)@\(tracker.keys)/own/tracker.key", "operatorKey": "\(intake.directory)/operator.key",
            "http": ["port": 0],
        ] as [String: Any]]
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: "\(intake.directory)/statistics.json"))
        let statistics = try ServiceProcess(
            builtExecutable("iblagh-statistics"), ["--config", "\(intake.directory)/statistics.json"],
            outputPath: "\(intake.directory)/statistics.out", errorPath: "\(intake.directory)/statistics.log")
        defer { statistics.stop() }
        let port = try await statistics.waitForLine("ready ").split(separator: "=").last.map(String.init) ?? ""

        let overBus = try await submitReport(intake, residence: "Kénitra", key: "pipe-bus")
        let posted = try await intake.http("POST", "/v1/reports", body: Array(Canary.json.utf8), headers: ["Content-Type": "application/json"])
        let overHTTP = (try JSONSerialization.jsonObject(with: Data(posted.body)) as? [String: Any])?["tracking_id"] as? String ?? ""
        let console = try await notifier.console("kenitra")
        for trackingID in [overBus, overHTTP] {
            #expect(try await notifier.waitForCase("kenitra") { $0.trackingID == trackingID } != nil, "\(trackingID) on Kénitra's console")
            let ack = try await notifier.request(console, .with { $0.acknowledge = .with { $0.trackingID = trackingID; $0.officerID = "k-9" } })
            #expect(ack.updated.state == "acknowledged")
            try await tracker.waitForState(trackingID, .acknowledged)
            #expect(try await tracker.state(trackingID) == .acknowledged)
        }
        // Statistics counts both (internal report: two cases are below the public threshold).
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/reports/funnel?year=\(year)&internal=1")!)
        request.setValue("operator-key-for-the-pipeline-test", forHTTPHeaderField: "Iblagh-Operator-Key")
        var stages: [String: Int] = [:]
        let deadline = Date().addingTimeInterval(30)
        repeat {
            let (data, _) = try await URLSession.shared.data(for: request)
            let funnel = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            stages = Dictionary(uniqueKeysWithValues: (funnel["stages"] as? [[String: Any]] ?? []).compactMap { stage in
                (stage["stage"] as? String).map { ($0, stage["count"] as? Int ?? -1) }
            })
            if stages["acknowledged"] == 2 { break }
            try await Task.sleep(for: .milliseconds(200))
        } while Date() < deadline
        #expect(stages["reports"] == 2 && stages["routed"] == 2 && stages["acknowledged"] == 2, "\(stages)")
    }
}
