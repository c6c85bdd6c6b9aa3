import Foundation
import Hummingbird
import IblaghStore
import Logging
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The notifier process: consumes `CaseRouted` for its regions from every router instance (one consumer group per
/// region, `notifier:04`), assigns cases to units with deadlines, serves the unit consoles, fires deadlines,
/// delivers webhooks, and publishes what happened to the tracker.
final class NotifierService: Sendable {
    let configuration: NotifierConfiguration
    let dispatcher: Dispatcher
    let consumers: [HopConsumer]
    let consoles: ConsoleEndpoint
    private let store: any Store
    private let assignments: CaseAssignments
    private let logger: Logger

    init(configuration: NotifierConfiguration, context: ZMQContext, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        store = try StoreLocation(configuration.database).open(migrations: NotifierSchema.migrations)
        assignments = CaseAssignments(directory: configuration.directory, producer: configuration.id)
        let dispatcher = try await Dispatcher.serving(
            "notifier.dispatch.endpoint", endpoint: configuration.dispatchEndpoint, keyPair: configuration.keyPair, consumers: configuration.consumers,
            context: context, store: store, logger: logger)
        self.dispatcher = dispatcher
        let (store, assignments) = (store, assignments)
        let consoles = try await ConfigurationError.naming("notifier.console.endpoint") {
            try await ConsoleEndpoint(
                endpoint: configuration.consoleEndpoint, keyPair: configuration.keyPair, consoles: configuration.consoles, context: context,
                store: store, assignments: assignments, clock: configuration.clock, logger: logger)
        }
        await consoles.setAfterCommit { await dispatcher.outboxChanged() }
        self.consoles = consoles
        var consumers: [HopConsumer] = []
        for region in configuration.regions {
            consumers.append(try await HopConsumer(
                configuration: ConsumerConfiguration(
                    group: "notifier:\(region)", consumerID: configuration.id, keyPair: configuration.keyPair, upstreams: configuration.upstreams,
                    linger: configuration.linger),
                context: context, store: store, handler: NotifyUnits(assignments: assignments, clock: configuration.clock),
                afterCommit: { dispatcher.outboxChangedSoon(); consoles.committedSoon() }, logger: logger))
        }
        self.consumers = consumers
    }

    func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Probes.router(problems: Probes.readiness(store: store, consumers: consumers))
        let consoles = self.consoles
        try await ServiceRun.serve(
            router, name: "iblagh-notifier", settings: "notifier.http", host: configuration.httpHost, port: configuration.httpPort,
            beside: [
                EndpointService(serve: { try await consoles.run() }, close: { await consoles.close() }),
                DeadlineWatch(store: store, assignments: assignments, clock: configuration.clock, tick: configuration.tick,
                              committed: { await consoles.committed() }, logger: logger),
                WebhookSender(store: store, directory: configuration.directory, clock: configuration.clock, tick: configuration.tick,
                              retryBase: configuration.webhookRetry, timeout: configuration.webhookTimeout, logger: logger),
            ],
            onRunning: onRunning, logger: logger)
        for consumer in consumers { await consumer.stop() }
        await dispatcher.stop()
    }
}
