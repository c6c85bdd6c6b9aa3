import Foundation
import IblaghSchemas
import IblaghStore
import ReliableHop
import Synchronization
import ZeroMQ

/// A jurisdiction router's side of the hop, in the test: connects to intake's dispatch endpoint with the router's
/// key and collects the message ids it is given.
enum RouterConsumer {
    final class Collector: HopHandler {
        let ids = Mutex<[String]>([])
        func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
            ids.withLock { $0.append(envelope.messageID) }
        }
    }

    /// Waits until `count` messages arrived (up to 30 s) and returns their ids.
    static func receive(from intake: IntakeFixture, count: Int) async throws -> [String] {
        let keys = "\(intake.directory)/keys/own"
        let store = try SQLiteStore(path: "\(intake.directory)/router-\(UUID().uuidString.prefix(6)).db", migrations: HopSchema.migrations)
        let collector = Collector()
        let consumer = try await HopConsumer(
            configuration: ConsumerConfiguration(
                group: "router", consumerID: "router-test",
                keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(keys)/router.key_secret"),
                upstreams: [.init(name: "intake", endpoint: intake.dispatchEndpoint,
                                  serverKey: try CurveCertificate.loadPublicKey(file: "\(keys)/intake.key"), acceptedTypes: [.reportAccepted])]),
            context: intake.context, store: store, handler: collector)
        defer { Task { await consumer.stop() } }
        let deadline = Date().addingTimeInterval(30)
        while collector.ids.withLock({ $0.count }) < count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        return collector.ids.withLock { $0 }
    }
}
