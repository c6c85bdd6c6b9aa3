import IblaghCrypto
import IblaghSchemas
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The tracker's settings (command line `--tracker-...`, environment `TRACKER_...`, JSON file `{"tracker": {...}}`):
///
/// | key | type | default | meaning |
/// | --- | --- | --- | --- |
/// | `tracker.id` | string | `tracker-1` | this instance's name |
/// | `tracker.database` | path | `state/<id>/tracker.db` | its SQLite file |
/// | `tracker.key` | path | required | its CURVE secret certificate (enrolled as `tracker` upstream) |
/// | `tracker.intakes` / `tracker.routers` / `tracker.notifiers` | list | required / required / optional | upstream instances as `ENDPOINT@PUBLIC_CERT`, comma-separated |
/// | `tracker.consumers` | directory | required | its consumers' public certificates (role `statistics` or `intake`) |
/// | `tracker.actors` | directory | required | officers' and prosecutors' public certificates (`officer:UNIT`, `prosecutor:OFFICE`) |
/// | `tracker.factKey` | path | required | a data key file (``DataKeyFile``); its current key keys the facts' case keys |
/// | `tracker.dispatch.endpoint` | endpoint | `tcp://127.0.0.1:7402` | its dispatch ROUTER (facts, reporter steps) |
/// | `tracker.commands.endpoint` | endpoint | `tcp://127.0.0.1:7401` | the officers' and prosecutors' ROUTER |
/// | `tracker.http.host` / `tracker.http.port` | string / int | `127.0.0.1` / `8402` | probes and metrics |
/// | `tracker.replayFacts` | bool | `false` | on start, send statistics every case's facts again (to rebuild a statistics store) |
/// | `log.level` | string | `info` | swift-log level |
struct TrackerConfiguration: Sendable {
    var id: String
    var database: String
    var keyPair: CurveKeyPair
    var upstreams: [ConsumerConfiguration.Upstream]
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
