import Foundation
import Hummingbird
import IblaghStore
import Logging
import ReliableHop
import ReportValidation
import ServiceBootstrap
import ZeroMQ

/// The intake process put together: its store, the reliable hop's dispatcher, the integrators' bus endpoint and the
/// JSON API. `run()` serves until SIGTERM/SIGINT (or cancellation), then stops taking requests and closes the bus.
final class IntakeService: Sendable {
    let configuration: IntakeConfiguration
    let intake: ReportIntake
    let submissions: SubmissionEndpoint
    let dispatcher: Dispatcher
    let reporterSteps: HopConsumer?
    private let store: any Store
    private let logger: Logger

    init(configuration: IntakeConfiguration, context: ZMQContext, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        store = try StoreLocation(configuration.database).open(migrations: IntakeSchema.migrations)
        dispatcher = try await Dispatcher.serving(
            "intake.dispatch.endpoint", endpoint: configuration.dispatchEndpoint, keyPair: configuration.keyPair, consumers: configuration.consumers,
            context: context, store: store, logger: logger)
        let vault = EvidenceVault(keys: configuration.dataKeys, knownMaterial: configuration.knownMaterial)
        let ledger = ReportLedger(store: store, keys: configuration.dataKeys, receiptCost: configuration.receiptCost, vault: vault, producer: configuration.id)
        var validator = ReportValidator()
        validator.evidencePolicy = configuration.evidence
        let intake = ReportIntake(ledger: ledger, validator: validator, dispatcher: dispatcher, producer: configuration.id, logger: logger)
        self.intake = intake
        reporterSteps = configuration.trackers.isEmpty ? nil : try await HopConsumer(
            configuration: ConsumerConfiguration(group: "intake", consumerID: configuration.id, keyPair: configuration.keyPair, upstreams: configuration.trackers,
                linger: configuration.statusLinger),
            context: context, store: store, handler: ReporterSteps(), logger: logger)
        submissions = try await ConfigurationError.naming("intake.bus.endpoint") {
            try await SubmissionEndpoint(
                endpoint: configuration.busEndpoint, keyPair: configuration.keyPair, integrators: configuration.integrators,
                context: context, intake: intake, logger: logger)
        }
    }

    /// Serves until shutdown. `onRunning` gets the HTTP port actually bound (useful with port 0).
    func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let api = IntakeHTTPAPI(
            intake: intake, vault: EvidenceVault(keys: configuration.dataKeys, knownMaterial: configuration.knownMaterial),
            limits: .init(evidence: configuration.evidence, pace: configuration.bodyPace),
            submissions: RateLimiter(perMinute: configuration.submissionsPerMinute, burst: configuration.submissionBurst),
            lookups: RateLimiter(perMinute: configuration.lookupsPerMinute, burst: 5),
            problems: Probes.readiness(store: store, consumers: reporterSteps.map { [$0] } ?? []))
        let router = api.router()
        CitizenWeb(
            intake: intake, vault: api.vault, evidence: configuration.evidence, submissions: api.submissions, lookups: api.lookups, pace: configuration.bodyPace,
            statisticsURL: configuration.statisticsURL
        ).add(to: router)
        let submissions = self.submissions
        try await ServiceRun.serve(
            router, name: "iblagh-intake", settings: "intake.http", host: configuration.httpHost, port: configuration.httpPort, idleTimeout: configuration.httpIdleTimeout,
            beside: [EndpointService(serve: { try await submissions.run() }, close: { await submissions.close() })], onRunning: onRunning, logger: logger)
        await reporterSteps?.stop()
        await dispatcher.stop()
    }
}
