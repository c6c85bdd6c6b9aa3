import ArgumentParser
import Foundation
import IblaghSchemas
import IblaghStore
import Logging
import ReliableHop
import ZeroMQ

/// A producer and a consumer of the reliable hop as real processes, for the hop's tests and benchmark: they can be
/// killed with SIGKILL at any moment and restarted with the same arguments.
@main
struct HopHarness: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hop-harness", abstract: "Test producer and consumer of the reliable hop.",
        subcommands: [Keys.self, Produce.self, Consume.self])

    static func bootstrap() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["HOP_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return handler
        }
    }
}

/// `keys`: the key files of one hop — `producer.key(_secret)`, each consumer's pair, and `consumers/`, the
/// producer's allow-list of public certificates with each consumer's role.
struct Keys: ParsableCommand {
    @Option var dir: String
    @Option(help: "Consumers as NAME:ROLE, comma-separated.") var consumers: String

    func run() throws {
        try CurveCertificate.write(try CurveKeyPair.generate(), name: "producer", directory: dir)
        for entry in consumers.split(separator: ",") {
            let parts = entry.split(separator: ":").map(String.init)
            guard parts.count == 2 else { throw ValidationError("consumer \(entry) is not NAME:ROLE") }
            let pair = try CurveKeyPair.generate()
            try CurveCertificate.write(pair, name: parts[0], directory: dir)
            try CurveCertificate.write(pair, name: parts[0], directory: "\(dir)/consumers", metadata: ["role": parts[1]])
            try FileManager.default.removeItem(atPath: "\(dir)/consumers/\(parts[0]).key_secret")
        }
    }
}

/// `produce`: enqueue messages `m-<n>` in batches (idempotently: a restart re-enqueues nothing twice), serve them.
struct Produce: AsyncParsableCommand {
    @Option(help: "A SQLite file, or a postgresql:// URL.") var db: String
    @Option var endpoint = "tcp://127.0.0.1:*"
    @Option(help: "Directory with producer.key_secret and consumers/ (public certificates with a role).")
    var keys: String
    @Option var count = 10_000
    @Option(help: "Comma-separated consumer groups each message is published for.") var groups = "g"
    @Option(help: "Messages per transaction.") var batch = 100
    @Option(help: "Messages per second (0: as fast as possible).") var rate = 0
    @Option(help: "Payload bytes per message.") var size = 64
    @Option(help: "Seconds of consumer silence before it is absent.") var heartbeatTimeout = 3.0
    @Option(help: "Seconds an absent consumer's messages wait for it.") var failover = 20.0
    @Option(help: "Seconds to wait after binding before enqueueing (past the dispatcher's recovery period).")
    var warmup: Double = 0
    @Option(help: "Connected consumer instances to wait for before enqueueing.") var awaitConsumers = 0
    @Flag(help: "Also enqueue a malformed envelope and a message of a type the consumer does not accept.")
    var poison = false

    func run() async throws {
        HopHarness.bootstrap()
        let store = try StoreLocation(db).open(migrations: HopSchema.migrations)
        let context = try ZMQContext()
        var configuration = DispatcherConfiguration(
            endpoint: endpoint,
            keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(keys)/producer.key_secret"),
            consumers: try AllowList.load(directory: "\(keys)/consumers"))
        configuration.heartbeatTimeout = .seconds(heartbeatTimeout)
        configuration.failoverTimeout = .seconds(failover)
        let dispatcher = try await Dispatcher(configuration: configuration, context: context, store: store)
        say("ready \(dispatcher.boundEndpoint)")

        if warmup > 0 { try await Task.sleep(for: .seconds(warmup)) }
        while await dispatcher.connectedConsumers < awaitConsumers { try await Task.sleep(for: .milliseconds(20)) }
        let groupList = groups.split(separator: ",").map(String.init)
        let padding = [UInt8](repeating: 0x2A, count: size)
        let start = ContinuousClock.now
        var next = 0
        while next < count {
            let first = next, last = min(count, next + batch)
            // A store that fails a commit (its server restarting, the outcome unknown) is asked again: enqueueing is
            // idempotent on the message ids.
            while true {
                do {
                    try await store.write { transaction in
                        for index in first..<last {
                            let payload = Iblagh_V1_ReportAccepted.with {
                                $0.trackingID = "IBL-\(index)"
                                $0.residence = String(decoding: padding, as: UTF8.self)
                            }
                            let envelope = try Iblagh_V1_Envelope(wrapping: payload, messageID: "m-\(index)", producer: "harness")
                            try Outbox.enqueue(envelope, for: groupList, in: transaction)
                        }
                    }
                    break
                } catch let error as StoreError {
                    FileHandle.standardError.write(Data("enqueue failed, retrying: \(error)\n".utf8))
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            await dispatcher.outboxChanged()
            next = last
            if rate > 0 {
                let due = start + .seconds(Double(next) / Double(rate))
                if due > .now { try await Task.sleep(until: due) }
            }
        }
        if poison {
            try await store.write { transaction in
                try transaction.execute(
                    "INSERT INTO hop_outbox (message_id, type, envelope, groups, created_at) VALUES ('poison-garbage', 0, ?, ?, 0) ON CONFLICT DO NOTHING",
                    [.blob([0xFF, 0xFF, 0x01]), .text("," + groupList.joined(separator: ",") + ",")])
                let fact = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_CaseFact(), messageID: "poison-type", producer: "harness")
                try Outbox.enqueue(fact, for: groupList, in: transaction)
            }
            await dispatcher.outboxChanged()
        }
        say("enqueued \(count)")
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

/// `consume`: apply each message as a row in `effects` (no uniqueness there: a second apply would show).
struct Consume: AsyncParsableCommand {
    @Option(help: "A SQLite file, or a postgresql:// URL.") var db: String
    @Option(help: "Producer endpoints, comma-separated (one DEALER each).") var connect: String
    @Option(help: "Directory with producer.key (the producers' public key) and NAME.key_secret.") var keys: String
    @Option var id: String
    @Option var group = "g"
    @Option(help: "The name of this consumer's key pair in --keys.") var key: String
    @Option var credit: UInt32 = 1000
    @Option(help: "Seconds a delivery may wait to be committed.") var lease = 10.0
    @Option(help: "Milliseconds each effect takes (a slow consumer holds many messages).") var slowMs = 0
    @Option(help: "Most messages committed in one transaction.") var maxBatch = 2000
    @Option(help: "Seconds without a connection to an upstream before a warning.") var unreachableWarning = 30.0

    struct Effects: HopHandler {
        let consumer: String
        let slowMs: Int
        func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws {
            _ = try envelope.payload(as: Iblagh_V1_ReportAccepted.self)
            if slowMs > 0 { usleep(useconds_t(slowMs * 1000)) }
            let now = Date()
            try transaction.execute(
                "INSERT INTO effects (message_id, consumer, applied_at, latency_us) VALUES (?, ?, ?, ?)",
                [.text(envelope.messageID), .text(consumer), .real(now.timeIntervalSince1970),
                 .integer(Int64(now.timeIntervalSince(envelope.createdAt.date) * 1_000_000))])
        }
    }

    func run() async throws {
        HopHarness.bootstrap()
        let store = try StoreLocation(db).open(
            migrations: HopSchema.migrations + [Migration("harness-1", ["CREATE TABLE effects (message_id TEXT NOT NULL, consumer TEXT NOT NULL, applied_at REAL NOT NULL, latency_us INTEGER NOT NULL)"])])
        let context = try ZMQContext()
        let serverKey = try CurveCertificate.loadPublicKey(file: "\(keys)/producer.key")
        var configuration = ConsumerConfiguration(
            group: group, consumerID: id,
            keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(keys)/\(key).key_secret"),
            upstreams: connect.split(separator: ",").enumerated().map { index, endpoint in
                .init(name: "producer-\(index)", endpoint: String(endpoint), serverKey: serverKey, acceptedTypes: [.reportAccepted])
            })
        configuration.credit = credit
        configuration.deliveryLease = .seconds(lease)
        configuration.maxBatch = maxBatch
        configuration.unreachableWarning = .seconds(unreachableWarning)
        let consumer = try await HopConsumer(configuration: configuration, context: context, store: store, handler: Effects(consumer: id, slowMs: slowMs))
        say("ready")
        _ = consumer
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

/// A line on standard output, flushed at once: the test that started this process waits for it.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
