import Foundation
import IblaghSchemas
import IblaghStore
import ReliableHop
import Synchronization
import ZeroMQ

/// A downstream stage in a test: a hop consumer of one consumer group connected to a producer's dispatch endpoint,
/// collecting the envelopes it is given (and committing them to its own SQLite file, as a real stage does).
public final class TestConsumer: Sendable {
    final class Collector: HopHandler {
        let envelopes = Mutex<[Iblagh_V1_Envelope]>([])
        func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
            envelopes.withLock { $0.append(envelope) }
        }
    }

    private let collector = Collector()
    private let consumer: HopConsumer

    /// Connects as `group` with the key pair in `secretFile` to each `(endpoint, server public key file)`.
    public init(
        group: String, secretFile: String, upstreams: [(endpoint: String, serverKeyFile: String)],
        types: Set<Iblagh_V1_MessageType>, directory: String, context: ZMQContext
    ) async throws {
        let store = try SQLiteStore(path: "\(directory)/\(group)-\(UUID().uuidString.prefix(6)).db", migrations: HopSchema.migrations)
        consumer = try await HopConsumer(
            configuration: ConsumerConfiguration(
                group: group, consumerID: "\(group)-test",
                keyPair: try CurveCertificate.loadKeyPair(secretFile: secretFile),
                upstreams: try upstreams.enumerated().map { index, upstream in
                    .init(name: "upstream-\(index)", endpoint: upstream.endpoint,
                          serverKey: try CurveCertificate.loadPublicKey(file: upstream.serverKeyFile), acceptedTypes: types)
                }),
            context: context, store: store, handler: collector)
    }

    /// Waits (up to `seconds`) until `count` envelopes (of those `matching`) arrived; returns all of them received
    /// so far.
    public func wait(
        for count: Int, within seconds: Double = 30, matching: (Iblagh_V1_Envelope) -> Bool = { _ in true }
    ) async throws -> [Iblagh_V1_Envelope] {
        let deadline = Date().addingTimeInterval(seconds)
        func received() -> [Iblagh_V1_Envelope] { collector.envelopes.withLock { $0 }.filter(matching) }
        while received().count < count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        return received()
    }

    public func stop() async { await consumer.stop() }
}

extension IntakeFixture {
    /// A jurisdiction router's side of intake's hop (the router's key), collecting `ReportAccepted`.
    public func routerConsumer() async throws -> TestConsumer {
        try await TestConsumer(
            group: "router", secretFile: "\(directory)/keys/own/router.key_secret",
            upstreams: [(dispatchEndpoint, "\(directory)/keys/own/intake.key")], types: [.reportAccepted],
            directory: directory, context: context)
    }
}
