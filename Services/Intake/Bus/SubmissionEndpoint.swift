import Foundation
import IblaghSchemas
import IblaghStore
import Logging
import Metrics
import ZeroMQ

/// The integrators' door (PROTOCOL.md §3): a CURVE ROUTER whose allow-list maps each integrator's key to the role
/// `integrator:NAME` (or `web`). Each `SubmitReport` is answered with `Accepted` once committed, `Rejected` with one
/// reason per field, or an `ERROR_REPLY`; many requests may be outstanding on one connection.
final class SubmissionEndpoint: Sendable {
    let boundEndpoint: String
    private let socket: AsyncSocket
    private let intake: ReportIntake
    private let logger: Logger
    private let limit: InFlightLimit

    init(endpoint: String, keyPair: CurveKeyPair, integrators: AllowList, context: ZMQContext, intake: ReportIntake,
         maxInFlight: Int = 512, logger: Logger) async throws {
        let socket = try context.socket(.router)
        try socket.makeCurveServer(keyPair: keyPair, allowList: integrators)
        try socket.setRouterMandatory(true)
        try socket.setMaxMessageSize(Int64(Iblagh_V1_Envelope.maximumFrameBytes))
        try socket.setHeartbeat(interval: .seconds(5), timeout: .seconds(30), ttl: .seconds(60))
        try socket.setSendHighWaterMark(0)  // a reply to a committed report is never dropped at a high-water mark
        // An overload waits at the integrators, not here: past `maxInFlight` requests being handled and 64 queued per
        // connection, libzmq stops reading that connection (TCP pushes back; nothing inbound is dropped). With 4,096
        // in flight and libzmq's 1,000 queued per connection, intake held 85–88 MiB at 1,000 reports/s beyond what the
        // machine carries; with these, 62 MiB (`Benchmarks/pipeline.sh 60 1000`). 512 outstanding are more than a
        // group commit needs to fill its transactions.
        try socket.setReceiveHighWaterMark(64)
        boundEndpoint = try socket.bind(endpoint)
        self.socket = await AsyncSocket(socket, loop: PollLoop(name: "intake-bus"))
        self.intake = intake
        self.logger = logger
        self.limit = InFlightLimit(maxInFlight)
    }

    /// Serves requests until cancelled; each is handled in its own task, so a slow commit does not hold the rest.
    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for try await message in socket.messages {
                await limit.acquire()
                group.addTask { [self] in
                    await handle(message)
                    await limit.release()
                }
            }
        }
    }

    func close() async {
        await socket.close()
    }

    private func handle(_ message: Multipart) async {
        // [routing id, envelope] from a DEALER; [routing id, "", envelope] from a REQ.
        var frames = message.frames
        guard frames.count == 2 || (frames.count == 3 && frames[1].isEmpty) else {
            logger.warning("submission refused", metadata: ["reason": "expected one envelope frame", "frames": "\(frames.count)"])
            return await reply(to: frames.first ?? [], delimited: false, error: SchemaError(.malformedEnvelope, "expected exactly one envelope frame"), correlation: "")
        }
        let envelopeFrame = frames.removeLast()
        let routing = frames[0], delimited = frames.count == 2
        let envelope: Iblagh_V1_Envelope
        do {
            envelope = try Iblagh_V1_Envelope(frame: envelopeFrame)
        } catch {
            logger.warning("submission refused", metadata: ["reason": "\(error.reason)"])
            return await reply(to: routing, delimited: delimited, error: error, correlation: "")
        }
        guard let role = message.userID, role == "web" || role.hasPrefix("integrator:") else {
            return await reply(to: routing, delimited: delimited, error: SchemaError(.roleNotAllowed, "this key may not submit reports"), correlation: envelope.messageID)
        }
        guard envelope.type == .submitReport else {
            return await reply(to: routing, delimited: delimited, error: SchemaError(.unknownMessageType, "this endpoint takes SUBMIT_REPORT only"), correlation: envelope.messageID)
        }
        let submit: Iblagh_V1_SubmitReport
        do {
            submit = try envelope.payload(as: Iblagh_V1_SubmitReport.self)
        } catch {
            return await reply(to: routing, delimited: delimited, error: error, correlation: envelope.messageID)
        }
        let outcome: Iblagh_V1_SubmitReportReply
        do {
            outcome = try await intake.submit(submit, client: role, channel: role == "web" ? .webForm : .bus)
        } catch {
            // Nothing is committed when accept throws; the integrator retries with the same key.
            logger.error("submission failed", metadata: ["error": "\(error)"])
            let refusal = StoreError.isOutOfSpace(error)
                ? SchemaError(.overloaded, "intake's storage is full; nothing was stored; retry later with the same key")
                : SchemaError(.internal, "the report could not be stored; retry with the same key")
            return await reply(to: routing, delimited: delimited, error: refusal, correlation: envelope.messageID)
        }
        await send(outcome, to: routing, delimited: delimited, correlation: envelope.messageID)
    }

    private func send(_ payload: some BusPayload, to routing: [UInt8], delimited: Bool, correlation: String) async {
        guard let envelope = try? Iblagh_V1_Envelope(
            wrapping: payload, messageID: UUID().uuidString, producer: intake.producer, correlationID: correlation)
        else { return }
        let frames = delimited ? [routing, [], envelope.frame] : [routing, envelope.frame]
        do {
            try await socket.send(Multipart(frames))
        } catch {
            // The peer is gone: a committed report's reply is lost with the connection; its retry gets it again.
            logger.notice("reply not delivered: the integrator disconnected", metadata: ["error": "\(error)"])
        }
    }

    private func reply(to routing: [UInt8], delimited: Bool, error: SchemaError, correlation: String) async {
        guard !routing.isEmpty else { return }
        await send(error.errorReply, to: routing, delimited: delimited, correlation: correlation)
    }
}

/// At most `limit` requests handled at once; the rest wait in the socket (and, beyond its buffer, at the sender).
actor InFlightLimit {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) { available = limit }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
    }
}
