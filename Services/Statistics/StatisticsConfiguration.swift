import Foundation
import IblaghSchemas
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The statistics service's settings: the `statistics.*` keys of docs/configuration.md (command line, environment or JSON file), each read
/// here with its default, a bad value throwing a ``ConfigurationError`` that names the key.
struct StatisticsConfiguration: Sendable {
    var id: String
    var database: String
    var keyPair: CurveKeyPair
    var upstreams: [ConsumerConfiguration.Upstream]
    /// How long a small batch of incoming messages waits for more before it is committed (``ConsumerConfiguration/linger``).
    var linger: Duration
    var threshold: Int
    var operatorKey: [UInt8]?
    var httpHost: String
    var httpPort: Int

    init(settings: Settings) throws {
        id = settings.string("statistics.id", default: "statistics-1")
        database = settings.string("statistics.database", default: "state/\(id)/statistics.db")
        threshold = try settings.int("statistics.suppressionThreshold", default: 5, in: 1...1000)
        linger = try settings.milliseconds("statistics.hop.lingerMilliseconds", default: 2, in: 0...1_000)
        httpHost = settings.string("statistics.http.host", default: "127.0.0.1")
        httpPort = try settings.int("statistics.http.port", default: 8502, in: 0...65535)
        upstreams = try settings.upstreams("statistics.trackers", kind: "tracker", types: [.caseFact])
        keyPair = try ConfigurationError.naming("statistics.key") { try CurveCertificate.loadKeyPair(secretFile: try settings.requiredString("statistics.key")) }
        if let file = settings.optionalString("statistics.operatorKey") {
            guard let data = FileManager.default.contents(atPath: file), data.count >= 16 else {
                throw ConfigurationError(key: "statistics.operatorKey", "cannot read an operator key of at least 16 bytes from \(file)")
            }
            operatorKey = [UInt8](String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        }
    }
}
