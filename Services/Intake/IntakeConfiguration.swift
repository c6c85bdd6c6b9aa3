import IblaghCrypto
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// Intake's settings. Keys (command line `--intake-http-port`, environment `INTAKE_HTTP_PORT`, JSON file
/// `{"intake": {"http": {"port": 8080}}}`):
///
/// | key | type | default | meaning |
/// | --- | --- | --- | --- |
/// | `intake.id` | string | `intake-1` | this instance's name (the producer of its messages) |
/// | `intake.database` | path | `state/<id>/intake.db` | its SQLite file |
/// | `intake.key` | path | required | its CURVE secret certificate (`NAME.key_secret`) |
/// | `intake.integrators` | directory | required | public certificates of integrators, role `integrator:NAME` or `web` |
/// | `intake.consumers` | directory | required | public certificates of the dispatch consumers, role `router` or `tracker` |
/// | `intake.dataKey` | path | required | the data key file sealing personal data and evidence (``DataKeyFile``) |
/// | `intake.knownMaterial` | path | none | SHA-256 list of known material; a matching file is quarantined |
/// | `intake.bus.endpoint` | endpoint | `tcp://127.0.0.1:7101` | the integrators' submission ROUTER |
/// | `intake.dispatch.endpoint` | endpoint | `tcp://127.0.0.1:7102` | the reliable hop's dispatch ROUTER |
/// | `intake.trackers` | list | none | tracker instances as `ENDPOINT@PUBLIC_CERT`: their reporter steps fill the status page |
/// | `intake.http.host` | string | `127.0.0.1` | the JSON API's address |
/// | `intake.http.port` | int 0–65535 | `8080` | the JSON API's port (0: any free port) |
/// | `intake.receipt.scryptLogN` | int 4–20 | `10` | scrypt cost of receipt hashes: n = 2^value (1 MiB and ~1.5 ms at 10; see below) |
/// | `intake.rateLimit.perMinute` | int | `30` | report submissions and uploads per client address per minute |
/// | `intake.rateLimit.burst` | int | `10` | ... of which at once |
/// | `intake.statusLimit.perMinute` | int | `20` | status lookups per client address per minute (burst 5) |
/// | `intake.evidence.maxMiB` | int 1–100 | `20` | the largest evidence file |
/// | `log.level` | string | `info` | swift-log level |
///
/// The receipt hash bounds intake's rate: each accepted report costs one scrypt. Measured on the 2-core development
/// machine (`Benchmarks/intake.sh`): ~40 reports/s at 14, ~600 at 10, ~5,000 at 4. Receipt secrets are 100 random
/// bits, so even a cheap hash cannot be brute-forced from a stolen database; the cost guards against weaker secrets
/// and is an operator's choice between that margin and throughput.
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
    var receiptCost: ReceiptHash.Cost
    var submissionsPerMinute: Int
    var submissionBurst: Int
    var lookupsPerMinute: Int
    var evidence: EvidencePolicy
    var trackers: [ConsumerConfiguration.Upstream]

    init(settings: Settings) throws {
        id = settings.string("intake.id", default: "intake-1")
        database = settings.string("intake.database", default: "state/\(id)/intake.db")
        busEndpoint = try settings.endpoint("intake.bus.endpoint", default: "tcp://127.0.0.1:7101")
        dispatchEndpoint = try settings.endpoint("intake.dispatch.endpoint", default: "tcp://127.0.0.1:7102")
        httpHost = settings.string("intake.http.host", default: "127.0.0.1")
        httpPort = try settings.int("intake.http.port", default: 8080, in: 0...65535)
        receiptCost = ReceiptHash.Cost(n: 1 << UInt64(try settings.int("intake.receipt.scryptLogN", default: 10, in: 4...20)))
        submissionsPerMinute = try settings.int("intake.rateLimit.perMinute", default: 30, in: 1...1_000_000)
        submissionBurst = try settings.int("intake.rateLimit.burst", default: 10, in: 1...1_000_000)
        lookupsPerMinute = try settings.int("intake.statusLimit.perMinute", default: 20, in: 1...1_000_000)
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
