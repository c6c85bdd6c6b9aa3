import IblaghCrypto
import ReliableHop
import ReportValidation
import ServiceBootstrap
import ZeroMQ

/// Intake's settings: the `intake.*` keys of docs/configuration.md (command line, environment or JSON file), each read
/// here with its default, a bad value throwing a ``ConfigurationError`` that names the key.
struct IntakeConfiguration: Sendable {
    var id: String
    var database: String
    var keyPair: CurveKeyPair
    var integrators: AllowList
    var consumers: AllowList
    var dataKeys: KeyRing
    var knownMaterial: Set<String>
    var busEndpoint: String
    var dispatchEndpoint: String
    var httpHost: String
    var httpPort: Int
    /// A connection that sends nothing for this long is closed.
    var httpIdleTimeout: Duration
    /// How fast a request body must arrive (after a grace period).
    var bodyPace: BodyPace
    var receiptCost: ReceiptHash.Cost
    var submissionsPerMinute: Int
    var submissionBurst: Int
    var lookupsPerMinute: Int
    var evidence: EvidencePolicy
    /// The public statistics page, linked from the citizen's web (nil: no link).
    var statisticsURL: String?
    var trackers: [ConsumerConfiguration.Upstream]
    /// How long a small batch of reporter steps waits for more before it is committed (``ConsumerConfiguration/linger``).
    var statusLinger: Duration

    init(settings: Settings) throws {
        id = settings.string("intake.id", default: "intake-1")
        database = settings.string("intake.database", default: "state/\(id)/intake.db")
        busEndpoint = try settings.endpoint("intake.bus.endpoint", default: "tcp://127.0.0.1:7101")
        dispatchEndpoint = try settings.endpoint("intake.dispatch.endpoint", default: "tcp://127.0.0.1:7102")
        httpHost = settings.string("intake.http.host", default: "127.0.0.1")
        httpPort = try settings.int("intake.http.port", default: 8080, in: 0...65535)
        httpIdleTimeout = try settings.seconds("intake.http.idleTimeoutSeconds", default: 30)
        statusLinger = try settings.milliseconds("intake.hop.lingerMilliseconds", default: 2, in: 0...1_000)
        bodyPace = BodyPace(
            grace: try settings.seconds("intake.http.bodyGraceSeconds", default: 10),
            minimumBytesPerSecond: try settings.int("intake.http.minimumBytesPerSecond", default: 1024, in: 1...100_000_000))
        receiptCost = ReceiptHash.Cost(n: 1 << UInt64(try settings.int("intake.receipt.scryptLogN", default: 10, in: 4...20)))
        submissionsPerMinute = try settings.int("intake.rateLimit.perMinute", default: 30, in: 1...1_000_000)
        submissionBurst = try settings.int("intake.rateLimit.burst", default: 10, in: 1...1_000_000)
        lookupsPerMinute = try settings.int("intake.statusLimit.perMinute", default: 20, in: 1...1_000_000)
        statisticsURL = settings.optionalString("intake.web.statisticsURL")
        if let url = statisticsURL, !(url.hasPrefix("https://") || url.hasPrefix("http://") || url.hasPrefix("/")) {
            throw ConfigurationError(key: "intake.web.statisticsURL", "\"\(url)\" is not an http(s) URL or a path")
        }
        evidence = EvidencePolicy(maximumFileBytes: try settings.int("intake.evidence.maxMiB", default: 20, in: 1...100) * 1024 * 1024)
        // Files last: a wrong number or endpoint is reported before a missing key file.
        trackers = try settings.upstreams("intake.trackers", kind: "tracker", types: [.reporterStatus], required: false)
        keyPair = try ConfigurationError.naming("intake.key") { try CurveCertificate.loadKeyPair(secretFile: try settings.requiredString("intake.key")) }
        integrators = try ConfigurationError.naming("intake.integrators") { try AllowList.load(directory: try settings.requiredString("intake.integrators")) }
        for role in Set(integrators.roles.values) where role != "web" && !role.hasPrefix("integrator:") {
            throw ConfigurationError(key: "intake.integrators", "role \"\(role)\" may not submit reports (use integrator:NAME or web)")
        }
        consumers = try ConfigurationError.naming("intake.consumers") { try AllowList.load(directory: try settings.requiredString("intake.consumers")) }
        for role in Set(consumers.roles.values) where role != ReportLedger.routerGroup && role != ReportLedger.trackerGroup {
            throw ConfigurationError(key: "intake.consumers", "role \"\(role)\" does not consume intake's messages (use router or tracker)")
        }
        dataKeys = try ConfigurationError.naming("intake.dataKey") { try DataKeyFile.load(try settings.requiredString("intake.dataKey")) }
        if let file = settings.optionalString("intake.knownMaterial") {
            knownMaterial = try ConfigurationError.naming("intake.knownMaterial") { try EvidenceVault.loadKnownMaterial(file: file) }
        } else {
            knownMaterial = []
        }
    }
}
