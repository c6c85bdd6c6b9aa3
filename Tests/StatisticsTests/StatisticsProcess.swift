import Foundation
import TestSupport
import ZeroMQ

/// A real statistics service for a test: its key pair, its tracker's, and the operator key, written in a fresh folder
/// by `init`; `start(tracker:)` starts it on any free HTTP port, consuming facts from the tracker at that endpoint.
struct StatisticsProcess {
    static let operatorKey = "operator-key-for-tests-0123456789"
    let directory: String
    let tracker: CurveKeyPair
    let statistics: CurveKeyPair

    init(test: String = #function) throws {
        directory = try temporaryDirectory(test)
        tracker = try CurveKeyPair.generate()
        statistics = try CurveKeyPair.generate()
        _ = try CurveCertificate.write(tracker, name: "tracker", directory: directory)
        _ = try CurveCertificate.write(statistics, name: "statistics", directory: directory)
        try Self.operatorKey.write(toFile: "\(directory)/operator.key", atomically: true, encoding: .utf8)
    }

    /// The running service and its HTTP port; stop it with `process.stop()`.
    func start(tracker endpoint: String) async throws -> (process: ServiceProcess, port: Int) {
        let configuration: [String: Any] = ["statistics": [
            "database": "\(directory)/statistics.db", "key": "\(directory)/statistics.key_secret",
            "trackers": "\(endpoint)@\(directory)/tracker.key", "operatorKey": "\(directory)/operator.key", "http": ["port": 0],
        ] as [String: Any]]
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: "\(directory)/statistics.json"))
        let process = try ServiceProcess(builtExecutable("iblagh-statistics"), ["--config", "\(directory)/statistics.json"], outputPath: "\(directory)/statistics.out")
        let line = try await process.waitForLine("ready ")
        guard let port = line.split(separator: "=").last.flatMap({ Int($0) }) else {
            process.stop()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no port in \(line)"])
        }
        return (process, port)
    }
}
