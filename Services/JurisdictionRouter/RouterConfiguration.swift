import Jurisdiction
import RoutingLedger
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The router's settings: the `router.*` keys of docs/configuration.md (command line, environment or JSON file), each read
/// here with its default, a bad value throwing a ``ConfigurationError`` that names the key.
struct RouterConfiguration: Sendable {
    var id: String
    var database: String
    var keyPair: CurveKeyPair
    var upstreams: [ConsumerConfiguration.Upstream]
    /// How long a small batch of incoming messages waits for more before it is committed (``ConsumerConfiguration/linger``).
    var linger: Duration
    var consumers: AllowList
    var dispatchEndpoint: String
    var referenceData: String
    /// The reference data file as it was at the start (``ReferenceData`` watches it for a replacement).
    var territory: TerritoryTable
    var referenceCheck: Duration
    var httpHost: String
    var httpPort: Int

    init(settings: Settings) throws {
        id = settings.string("router.id", default: "router-1")
        database = settings.string("router.database", default: "state/\(id)/router.db")
        dispatchEndpoint = try settings.endpoint("router.dispatch.endpoint", default: "tcp://127.0.0.1:7202")
        referenceData = settings.string("router.reference.file", default: "deploy/reference/morocco-territory.json")
        territory = try ConfigurationError.naming("router.reference.file") { [referenceData] in try TerritoryTable.load(file: referenceData) }
        referenceCheck = try settings.seconds("router.reference.checkSeconds", default: 2)
        linger = try settings.milliseconds("router.hop.lingerMilliseconds", default: 2, in: 0...1_000)
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
