import Foundation
import Hummingbird
import IblaghStore
import Jurisdiction
import RoutingLedger
import Logging
import ReliableHop
import ServiceBootstrap
import ServiceLifecycle
import ZeroMQ

/// The router process: consumes `ReportAccepted` from every intake instance (one DEALER each, through the
/// reliable hop), decides, and publishes `CaseRouted` on its own dispatch endpoint. Several instances share the
/// load: each intake hands a report to one of them.
final class RouterService: Sendable {
    let configuration: RouterConfiguration
    let dispatcher: Dispatcher
    let consumer: HopConsumer
    let reference: ReferenceData
    private let store: any Store
    private let logger: Logger

    init(configuration: RouterConfiguration, context: ZMQContext, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        let reference = ReferenceData(file: configuration.referenceData, table: configuration.territory, logger: logger)
        self.reference = reference
        Self.warnOfUnknownRegions(consumers: configuration.consumers, reference: reference, logger: logger)
        store = try StoreLocation(configuration.database).open(migrations: RoutingSchema.migrations)
        let dispatcher = try await Dispatcher.serving(
            "router.dispatch.endpoint", endpoint: configuration.dispatchEndpoint, keyPair: configuration.keyPair, consumers: configuration.consumers,
            context: context, store: store, logger: logger)
        self.dispatcher = dispatcher
        consumer = try await HopConsumer(
            configuration: ConsumerConfiguration(group: "router", consumerID: configuration.id, keyPair: configuration.keyPair, upstreams: configuration.upstreams,
                linger: configuration.linger),
            context: context, store: store, handler: RouteReports(reference: reference, producer: configuration.id),
            afterCommit: { dispatcher.outboxChangedSoon() }, logger: logger)
    }

    /// A notifier whose certificate names a region the reference data lacks (`notifier:99`) is admitted and receives
    /// nothing: said once at the start, since a later reference file may add the region.
    static func warnOfUnknownRegions(consumers: AllowList, reference: ReferenceData, logger: Logger) {
        let known = Set(reference.rules.table.regions.map(\.code) + ["national"])
        let named = Set(consumers.roles.values.flatMap(DispatcherConfiguration.groups(of:)).filter { $0.hasPrefix("notifier:") }.map { String($0.dropFirst("notifier:".count)) })
        for region in named.subtracting(known).sorted() {
            logger.warning(
                "a consumer certificate names a region the reference data does not have: that notifier will receive nothing",
                metadata: ["region": "\(region)", "reference": "\(reference.rules.table.version)"])
        }
    }

    func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Probes.router(problems: Probes.readiness(store: store, consumers: [consumer]))
        let watcher = ReferenceWatcher(reference: reference, interval: configuration.referenceCheck)
        try await ServiceRun.serve(
            router, name: "iblagh-router", settings: "router.http", host: configuration.httpHost, port: configuration.httpPort, beside: [watcher], onRunning: onRunning, logger: logger)
        await consumer.stop()
        await dispatcher.stop()
    }
}

/// Checks the reference data file for a replacement until shutdown.
struct ReferenceWatcher: Service {
    let reference: ReferenceData
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown { await reference.watch(every: interval) }
    }
}
