import Foundation
import IblaghSchemas
import ZeroMQ

/// An integrator as the protocol asks it to be: many requests in flight on one connection, each unanswered one sent
/// again (a new message id, the same report key) until an `Accepted` comes back — whatever dies meanwhile.
struct RetryingIntegrator {
    let socket: AsyncSocket
    let window: Int
    /// The time between two new reports (retries are not paced).
    let interval: Duration
    var retryAfter: Duration = .seconds(3)

    init(
        context: ZMQContext, keyPair: CurveKeyPair, serverKey: CurvePublicKey, endpoint: String, window: Int, interval: Duration
    ) async throws {
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(keyPair: keyPair, serverKey: serverKey)
        try socket.setLinger(.zero)
        try socket.connect(endpoint)
        self.socket = await AsyncSocket(socket, loop: PollLoop(name: "fault-run-integrator"))
        self.window = window
        self.interval = interval
    }

    func submitAll(from source: KeySource, into ledger: AcceptedLedger) async throws {
        var exhausted = false
        var outstanding: [String: ContinuousClock.Instant] = [:]  // key -> when last sent
        var attempts: [String: String] = [:]  // message id -> key, for every attempt (a late reply still counts)
        var done = Set<String>()
        func send(_ key: String) async throws {
            let messageID = UUID().uuidString
            attempts[messageID] = key
            outstanding[key] = .now
            let request = try Iblagh_V1_Envelope(wrapping: FaultReport.submission(key: key), messageID: messageID, producer: "fault-run")
            try await socket.send(Multipart([request.frame]))
        }
        var nextNew = ContinuousClock.now
        while !(exhausted && outstanding.isEmpty) {
            while !exhausted, outstanding.count < window, ContinuousClock.now >= nextNew {
                guard let key = await source.next() else {
                    exhausted = true
                    break
                }
                try await send(key)
                nextNew += interval
            }
            let wait = exhausted ? ContinuousClock.now + .milliseconds(100) : min(nextNew, .now + .milliseconds(100))
            if let reply = try await socket.receive(before: wait),
                let envelope = try? Iblagh_V1_Envelope(frame: reply.frames[reply.frames.count - 1]),
                let key = attempts[envelope.correlationID]
            {
                if let outcome = try? envelope.payload(as: Iblagh_V1_SubmitReportReply.self), case .accepted(let accepted)? = outcome.outcome {
                    await ledger.record(key: key, trackingID: accepted.trackingID)
                    if done.insert(key).inserted { outstanding[key] = nil }
                } else if !done.contains(key) {
                    // Refused for now (storage, overload) or rejected: a rejection of a valid report is a finding.
                    if let outcome = try? envelope.payload(as: Iblagh_V1_SubmitReportReply.self), case .rejected? = outcome.outcome {
                        await ledger.recordRejection(key: key)
                        outstanding[key] = nil
                        done.insert(key)
                    }
                }
            }
            let now = ContinuousClock.now
            for (key, sent) in outstanding where now - sent > retryAfter {
                await ledger.countRetry()
                try await send(key)
            }
        }
    }
}

/// The report each key stands for: valid, from Kénitra, naming an account of its own (no bundling between them).
enum FaultReport {
    static func submission(key: String) -> Iblagh_V1_SubmitReport {
        .with {
            $0.integratorReportKey = key
            $0.report = .with {
                $0.category = .fraud
                $0.description_p = "Fault-run report \(key): a shop took the payment and disappeared."
                $0.residence = "Kénitra"
                $0.reportedAccounts = [.with { $0.kind = .url; $0.value = "https://\(key).shop.invalid" }]
                $0.preferredLanguage = .french
            }
        }
    }
}

/// Every `Accepted` the integrators received, by report key; a key answered with two tracking ids is a duplicate.
actor AcceptedLedger {
    private var byKey: [String: String] = [:]
    private var conflicts: [String: Set<String>] = [:]
    private var rejected: Set<String> = []
    private var retries = 0

    func record(key: String, trackingID: String) {
        if let earlier = byKey[key], earlier != trackingID {
            conflicts[key, default: [earlier]].insert(trackingID)
        } else {
            byKey[key] = trackingID
        }
    }

    func recordRejection(key: String) { rejected.insert(key) }
    func countRetry() { retries += 1 }

    struct Snapshot: Sendable {
        let byKey: [String: String]
        let conflicts: [String: Set<String>]
        let rejected: Set<String>
        let retries: Int
        var trackingIDs: Set<String> { Set(byKey.values) }
    }

    func snapshot() -> Snapshot { Snapshot(byKey: byKey, conflicts: conflicts, rejected: rejected, retries: retries) }
}
