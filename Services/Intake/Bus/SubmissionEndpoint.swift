import Foundation
import IblaghSchemas
import IblaghStore
import Logging
import Metrics
import ZeroMQ

/// The integrators' door (PROTOCOL.md §3): a CURVE ROUTER whose allow-list maps each integrator's key to the role
/// `integrator:NAME` (or `web`). Each `SubmitReport` is answered with `Accepted` once committed, `Rejected` with one
/// reason per field, or an `ERROR_REPLY`; many requests may be outstanding on one connection.
///
/// The endpoint serves on a poll loop of its own, in rounds, all on that thread: it takes every request waiting (up
/// to ``roundLimit``), validates and seals them, commits the valid ones in one transaction
/// (``ReportIntake/submitNow(_:)``) and sends the replies. Requests that arrive during a round's commit make the next
/// round, so the commits group themselves, and no request changes threads between libzmq's I/O thread taking it in
/// and giving its reply out. Handing each request from the loop to Swift's pool, to the store's writer and back
/// cost about 19 context switches per report: at 1,000 reports/s intake spent more on them than on the reports.
actor SubmissionEndpoint {
    /// At most this many requests per round. An overload waits at the integrators, not here: with 64 queued per
    /// connection, libzmq stops reading a connection (TCP pushes back; nothing inbound is dropped).
    static let roundLimit = 256

    nonisolated let boundEndpoint: String
    nonisolated let loop: PollLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    private var socket: ZMQSocket?
    private let intake: ReportIntake
    private let logger: Logger
    private nonisolated let ended = AsyncStream<Never>.makeStream()

    init(endpoint: String, keyPair: CurveKeyPair, integrators: AllowList, context: ZMQContext, intake: ReportIntake, logger: Logger) async throws {
        let socket = try context.socket(.router)
        try socket.makeCurveServer(keyPair: keyPair, allowList: integrators)
        try socket.setRouterMandatory(true)
        try socket.setMaxMessageSize(Int64(Iblagh_V1_Envelope.maximumFrameBytes))
        try socket.setHeartbeat(interval: .seconds(5), timeout: .seconds(30), ttl: .seconds(60))
        try socket.setSendHighWaterMark(0)  // a reply to a committed report is never dropped at a high-water mark
        try socket.setReceiveHighWaterMark(64)
        boundEndpoint = try socket.bind(endpoint)
        self.socket = socket
        self.intake = intake
        self.logger = logger
        loop = PollLoop(name: "intake-bus")
    }

    /// Serves requests until ``close()`` or cancellation.
    nonisolated func run() async throws {
        await startServing()
        for await _ in ended.stream {}
    }

    /// Stops serving and closes the socket: requests not yet taken are dropped with it, and their senders retry.
    func close() {
        ended.continuation.finish()
        if let socket { loop.unwatch(socket) }
        socket = nil
        loop.stop()
    }

    private func startServing() {
        guard let socket else { return }
        loop.watch(socket, events: .readable) { [weak self] _ in
            self?.assumeIsolated { $0.serveRound() }
        }
    }

    /// One round: every request waiting, up to ``roundLimit``; the loop calls again while more wait.
    private func serveRound() {
        guard let socket else { return }
        var submissions: [(request: Request, submission: ReportIntake.BusSubmission)] = []
        while submissions.count < Self.roundLimit {
            let message: Multipart
            do {
                guard let next = try socket.receive(dontWait: true) else { break }
                message = next
            } catch {
                logger.error("receiving submissions failed", metadata: ["error": "\(error)"])
                break
            }
            switch Self.read(message) {
            case .submission(let request, let submission): submissions.append((request, submission))
            case .refused(let request, let error, let reason):
                if let reason { logger.warning("submission refused", metadata: ["reason": "\(reason)"]) }
                send(error.errorReply, to: request, on: socket)
            }
        }
        guard !submissions.isEmpty else { return }
        for (request, outcome) in zip(submissions.map(\.request), intake.submitNow(submissions.map(\.submission))) {
            switch outcome {
            case .success(let reply): send(reply, to: request, on: socket)
            case .failure(let error):
                // Nothing of this report is stored; the integrator retries with the same key.
                logger.error("submission failed", metadata: ["error": "\(error)"])
                let refusal = StoreError.isOutOfSpace(error)
                    ? SchemaError(.overloaded, "intake's storage is full; nothing was stored; retry later with the same key")
                    : SchemaError(.internal, "the report could not be stored; retry with the same key")
                send(refusal.errorReply, to: request, on: socket)
            }
        }
    }

    /// Where a reply goes: the sender's routing id, whether it is a REQ (an empty delimiter frame), the request's id.
    private struct Request {
        let routing: [UInt8]
        let delimited: Bool
        let correlation: String
    }

    private enum Reading {
        case submission(Request, ReportIntake.BusSubmission)
        /// Answered with `error` at once; `reason` is logged when the request was not even a readable envelope.
        case refused(Request, SchemaError, reason: String?)
    }

    private static func read(_ message: Multipart) -> Reading {
        // [routing id, envelope] from a DEALER; [routing id, "", envelope] from a REQ.
        var frames = message.frames
        guard frames.count == 2 || (frames.count == 3 && frames[1].isEmpty) else {
            let request = Request(routing: frames.first ?? [], delimited: false, correlation: "")
            return .refused(request, SchemaError(.malformedEnvelope, "expected exactly one envelope frame"), reason: "expected one envelope frame, got \(frames.count)")
        }
        let envelopeFrame = frames.removeLast()
        let unread = Request(routing: frames[0], delimited: frames.count == 2, correlation: "")
        let envelope: Iblagh_V1_Envelope
        do {
            envelope = try Iblagh_V1_Envelope(frame: envelopeFrame)
        } catch {
            return .refused(unread, error, reason: error.reason)
        }
        let request = Request(routing: unread.routing, delimited: unread.delimited, correlation: envelope.messageID)
        guard let role = message.userID, role == "web" || role.hasPrefix("integrator:") else {
            return .refused(request, SchemaError(.roleNotAllowed, "this key may not submit reports"), reason: nil)
        }
        guard envelope.type == .submitReport else {
            return .refused(request, SchemaError(.unknownMessageType, "this endpoint takes SUBMIT_REPORT only"), reason: nil)
        }
        do {
            let submit = try envelope.payload(as: Iblagh_V1_SubmitReport.self)
            return .submission(request, .init(submit: submit, client: role, channel: role == "web" ? .webForm : .bus))
        } catch {
            return .refused(request, error, reason: nil)
        }
    }

    private func send(_ payload: some BusPayload, to request: Request, on socket: ZMQSocket) {
        guard !request.routing.isEmpty, let envelope = try? Iblagh_V1_Envelope(
            wrapping: payload, messageID: MessageID.unique(), producer: intake.producer, correlationID: request.correlation)
        else { return }
        do {
            // No high-water mark on sends: this never waits, and only fails for a peer that is gone.
            try socket.send(Multipart(request.delimited ? [request.routing, [], envelope.frame] : [request.routing, envelope.frame]), dontWait: true)
        } catch {
            // A committed report's reply is lost with the connection; its retry gets it again.
            logger.notice("reply not delivered: the integrator disconnected", metadata: ["error": "\(error)"])
        }
    }
}
