import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The notifier's settings: the `notifier.*` keys of docs/configuration.md (command line, environment or JSON file), each read
/// here with its default, a bad value throwing a ``ConfigurationError`` that names the key.
struct NotifierConfiguration: Sendable {
    var id: String
    var database: String
    var keyPair: CurveKeyPair
    var regions: [String]
    var upstreams: [ConsumerConfiguration.Upstream]
    /// How long a small batch of incoming messages waits for more before it is committed (``ConsumerConfiguration/linger``).
    var linger: Duration
    var consumers: AllowList
    var consoles: AllowList
    var directory: UnitDirectory
    var dispatchEndpoint: String
    var consoleEndpoint: String
    var clock: any NotifierClock
    var tick: Duration
    var webhookRetry: Double
    var webhookTimeout: Double
    var httpHost: String
    var httpPort: Int

    init(settings: Settings) throws {
        id = settings.string("notifier.id", default: "notifier-1")
        database = settings.string("notifier.database", default: "state/\(id)/notifier.db")
        regions = try settings.requiredString("notifier.regions").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for region in regions {
            guard region == "national" || (region.count == 2 && region.allSatisfy(\.isNumber)) else {
                throw ConfigurationError(key: "notifier.regions", "\"\(region)\" is not a two-digit region code or national")
            }
            guard seen.insert(region).inserted else { throw ConfigurationError(key: "notifier.regions", "\"\(region)\" is named twice") }
        }
        dispatchEndpoint = try settings.endpoint("notifier.dispatch.endpoint", default: "tcp://127.0.0.1:7302")
        consoleEndpoint = try settings.endpoint("notifier.console.endpoint", default: "tcp://127.0.0.1:7301")
        linger = try settings.milliseconds("notifier.hop.lingerMilliseconds", default: 2, in: 0...1_000)
        let clockSetting = settings.string("notifier.clock", default: "system")
        if clockSetting == "system" {
            clock = SystemClock()
        } else if clockSetting.hasPrefix("file:"), clockSetting.count > 5 {
            clock = FileClock(path: String(clockSetting.dropFirst(5)))
        } else {
            throw ConfigurationError(key: "notifier.clock", "\"\(clockSetting)\" is not system or file:PATH")
        }
        tick = try settings.seconds("notifier.tickSeconds", default: 1)
        webhookRetry = try settings.seconds("notifier.webhook.retrySeconds", default: 2).inSeconds
        webhookTimeout = try settings.seconds("notifier.webhook.timeoutSeconds", default: 10).inSeconds
        httpHost = settings.string("notifier.http.host", default: "127.0.0.1")
        httpPort = try settings.int("notifier.http.port", default: 8302, in: 0...65535)
        upstreams = try settings.upstreams("notifier.upstreams", kind: "router", types: [.caseRouted])
        keyPair = try ConfigurationError.naming("notifier.key") { try CurveCertificate.loadKeyPair(secretFile: try settings.requiredString("notifier.key")) }
        consumers = try ConfigurationError.naming("notifier.consumers") { try AllowList.load(directory: try settings.requiredString("notifier.consumers")) }
        consoles = try ConfigurationError.naming("notifier.consoles") { try AllowList.load(directory: try settings.requiredString("notifier.consoles")) }
        for role in Set(consoles.roles.values) where !role.hasPrefix("unit:") {
            throw ConfigurationError(key: "notifier.consoles", "role \"\(role)\" is not unit:UNIT_ID")
        }
        if let file = settings.optionalString("notifier.units") {
            directory = try ConfigurationError.naming("notifier.units") { try UnitDirectory.load(file: file) }
        } else {
            directory = try UnitDirectory()
        }
    }
}
