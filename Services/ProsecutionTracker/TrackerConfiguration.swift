import IblaghCrypto
import IblaghSchemas
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The tracker's settings: the `tracker.*` keys of docs/configuration.md (command line, environment or JSON file), each read
/// here with its default, a bad value throwing a ``ConfigurationError`` that names the key.
struct TrackerConfiguration: Sendable {
    var id: String
    var database: String
    var keyPair: CurveKeyPair
    var upstreams: [ConsumerConfiguration.Upstream]
    /// How long a small batch of incoming messages waits for more before it is committed (``ConsumerConfiguration/linger``).
    var linger: Duration
    var consumers: AllowList
    var actors: AllowList
    var factKey: [UInt8]
    var dispatchEndpoint: String
    var commandsEndpoint: String
    var httpHost: String
    var httpPort: Int
    var replayFacts: Bool

    init(settings: Settings) throws {
        id = settings.string("tracker.id", default: "tracker-1")
        database = settings.string("tracker.database", default: "state/\(id)/tracker.db")
        dispatchEndpoint = try settings.endpoint("tracker.dispatch.endpoint", default: "tcp://127.0.0.1:7402")
        commandsEndpoint = try settings.endpoint("tracker.commands.endpoint", default: "tcp://127.0.0.1:7401")
        httpHost = settings.string("tracker.http.host", default: "127.0.0.1")
        httpPort = try settings.int("tracker.http.port", default: 8402, in: 0...65535)
        replayFacts = try settings.bool("tracker.replayFacts", default: false)
        linger = try settings.milliseconds("tracker.hop.lingerMilliseconds", default: 2, in: 0...1_000)
        upstreams = try settings.upstreams("tracker.intakes", kind: "intake", types: [.caseOpened])
            + settings.upstreams("tracker.routers", kind: "router", types: [.caseRouted])
            + settings.upstreams(
                "tracker.notifiers", kind: "notifier", types: [.unitNotified, .unitAcknowledged, .escalated, .complainantContacted],
                required: false)
        keyPair = try ConfigurationError.naming("tracker.key") { try CurveCertificate.loadKeyPair(secretFile: try settings.requiredString("tracker.key")) }
        consumers = try ConfigurationError.naming("tracker.consumers") { try AllowList.load(directory: try settings.requiredString("tracker.consumers")) }
        actors = try ConfigurationError.naming("tracker.actors") { try AllowList.load(directory: try settings.requiredString("tracker.actors")) }
        for role in Set(actors.roles.values) where !role.hasPrefix("officer:") && !role.hasPrefix("prosecutor:") {
            throw ConfigurationError(key: "tracker.actors", "role \"\(role)\" is not officer:UNIT or prosecutor:OFFICE")
        }
        factKey = try ConfigurationError.naming("tracker.factKey") { try DataKeyFile.load(try settings.requiredString("tracker.factKey")).current.bytes }
    }
}
