import Foundation
import Hummingbird
import IblaghStore
import Logging
import ReliableHop
import ServiceBootstrap
import ZeroMQ

/// The tracker process: consumes the events of intake, routers and notifiers (group `tracker`), serves officers'
/// and prosecutors' commands, and publishes facts to statistics and reporter steps to intake.
final class TrackerService: Sendable {
    let configuration: TrackerConfiguration
    let dispatcher: Dispatcher
    let consumer: HopConsumer
    let commands: CommandEndpoint
    private let store: any Store
    private let logger: Logger

    init(configuration: TrackerConfiguration, context: ZMQContext, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        let store = try StoreLocation(configuration.database).open(migrations: TrackerSchema.migrations)
        self.store = store
        let file = CaseFile(producer: configuration.id, factKey: configuration.factKey)
        if configuration.replayFacts {
            // Facts whose earlier copies were pruned go out again under the same ids; statistics ignores repeats.
            let sent = try await store.write { try file.replayFacts(now: Date(), in: $0) }
            logger.notice("facts replayed to statistics", metadata: ["facts": "\(sent)"])
        }
        let dispatcher = try await Dispatcher.serving(
            "tracker.dispatch.endpoint", endpoint: configuration.dispatchEndpoint, keyPair: configuration.keyPair, consumers: configuration.consumers,
            context: context, store: store, logger: logger)
        self.dispatcher = dispatcher
        consumer = try await HopConsumer(
            configuration: ConsumerConfiguration(group: "tracker", consumerID: configuration.id, keyPair: configuration.keyPair, upstreams: configuration.upstreams,
                linger: configuration.linger),
            context: context, store: store, handler: TrackEvents(file: file), afterCommit: { dispatcher.outboxChangedSoon() }, logger: logger)
        commands = try await ConfigurationError.naming("tracker.commands.endpoint") {
            try await CommandEndpoint(
                endpoint: configuration.commandsEndpoint, keyPair: configuration.keyPair, actors: configuration.actors, context: context,
                store: store, file: file, afterCommit: { await dispatcher.outboxChanged() }, logger: logger)
        }
    }

    func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Probes.router(problems: Probes.readiness(store: store, consumers: [consumer]))
        let commands = self.commands
        try await ServiceRun.serve(
            router, name: "iblagh-tracker", settings: "tracker.http", host: configuration.httpHost, port: configuration.httpPort,
            beside: [EndpointService(serve: { try await commands.run() }, close: { await commands.close() })], onRunning: onRunning, logger: logger)
        await consumer.stop()
        await dispatcher.stop()
    }
}
