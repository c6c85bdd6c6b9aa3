import Foundation
import IblaghStore
import Logging
import ReliableHop
import ServiceBootstrap
import Statistics
import ZeroMQ

/// The statistics process: counts the trackers' anonymised facts and serves the reports.
final class StatisticsService: Sendable {
    let configuration: StatisticsConfiguration
    let consumer: HopConsumer
    private let store: any Store
    private let logger: Logger

    init(configuration: StatisticsConfiguration, context: ZMQContext, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        store = try StoreLocation(configuration.database).open(migrations: HopSchema.migrations + FactTable.migrations)
        consumer = try await HopConsumer(
            configuration: ConsumerConfiguration(group: "statistics", consumerID: configuration.id, keyPair: configuration.keyPair, upstreams: configuration.upstreams,
                linger: configuration.linger),
            context: context, store: store, handler: CountFacts(), logger: logger)
    }

    func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let api = StatisticsHTTPAPI(store: store, threshold: configuration.threshold, operatorKey: configuration.operatorKey,
            problems: Probes.readiness(store: store, consumers: [consumer]))
        try await ServiceRun.serve(
            api.router(), name: "iblagh-statistics", settings: "statistics.http", host: configuration.httpHost, port: configuration.httpPort, onRunning: onRunning, logger: logger)
        await consumer.stop()
    }
}
