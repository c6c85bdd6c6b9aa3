import Jurisdiction
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The router's settings (command line `--router-http-port`, environment `ROUTER_HTTP_PORT`, JSON file
/// `{"router": {...}}`):
///
/// | key | type | default | meaning |
/// | --- | --- | --- | --- |
/// | `router.id` | string | `router-1` | this instance's name (its consumer id and the producer of its messages) |
/// | `router.database` | path | `state/<id>/router.db` | its SQLite file |
/// | `router.key` | path | required | its CURVE secret certificate |
/// | `router.upstreams` | list | required | intake instances as `ENDPOINT@PUBLIC_CERT`, comma-separated |
/// | `router.consumers` | directory | required | its consumers' public certificates, role `notifier:REGION[,notifier:REGION...]` (REGION a code such as `04`, or `national`) or `tracker` |
/// | `router.dispatch.endpoint` | endpoint | `tcp://127.0.0.1:7202` | its dispatch ROUTER (CaseRouted) |
/// | `router.reference.file` | path | `deploy/reference/morocco-territory.json` | the territory and units file |
/// | `router.reference.checkSeconds` | seconds | `2` | how often the file is checked for a replacement |
/// | `router.http.host` | string | `127.0.0.1` | probes and metrics address |
/// | `router.http.port` | int 0–65535 | `8202` | probes and metrics port (0: any free port) |
/// | `log.level` | string | `info` | swift-log level |
struct RouterConfiguration: Sendable {
    var id: String
    var database: String
    var keyPair: CurveKeyPair
    var upstreams: [ConsumerConfiguration.Upstream]
    var consumers: AllowList
    var dispatchEndpoint: String
    var referenceData: String
    var referenceCheck: Duration
    var httpHost: String
    var httpPort: Int

    init(settings: Settings) throws {
        id = settings.string("router.id", default: "router-1")
        database = settings.string("router.database", default: "state/\(id)/router.db")
        dispatchEndpoint = try settings.endpoint("router.dispatch.endpoint", default: "tcp://127.0.0.1:7202")
        referenceData = settings.string("router.reference.file", default: "deploy/reference/morocco-territory.json")
        referenceCheck = try settings.seconds("router.reference.checkSeconds", default: 2)
        httpHost = settings.string("router.http.host", default: "127.0.0.1")
        httpPort = try settings.int("router.http.port", default: 8202, in: 0...65535)
        upstreams = try settings.upstreams("router.upstreams", kind: "intake", types: [.reportAccepted])
        keyPair = try ConfigurationError.naming("router.key") { try CurveCertificate.loadKeyPair(secretFile: try settings.requiredString("router.key")) }
        consumers = try ConfigurationError.naming("router.consumers") { try AllowList.load(directory: try settings.requiredString("router.consumers")) }
        for role in Set(consumers.roles.values) {
            for group in DispatcherConfiguration.groups(of: role) where !RoutingLedger.isConsumerGroup(group) {
                throw ConfigurationError(key: "router.consumers", "group \"\(group)\" does not consume CaseRouted (use notifier:REGION or tracker)")
            }
        }
    }
}
