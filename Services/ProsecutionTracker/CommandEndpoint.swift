import Foundation
import IblaghSchemas
import IblaghStore
import Logging
import ZeroMQ

/// Officers' and prosecutors' commands (PROTOCOL.md §8): a CURVE ROUTER whose allow-list maps each key to
/// `officer:UNIT_ID` or `prosecutor:OFFICE_ID`. Each `CASE_COMMAND` is answered with a `CASE_COMMAND_REPLY` once its
/// effect (if any) is committed. Commands that arrive together share a transaction (``GroupCommit``, each in its own
/// savepoint): one sync for many, and on a shared PostgreSQL case file one turn of the writer lock instead of one
/// per command.
final class CommandEndpoint: Sendable {
    let boundEndpoint: String
    private let socket: AsyncSocket
    private let commits: GroupCommit
    private let file: CaseFile
    private let afterCommit: @Sendable () async -> Void
    private let logger: Logger

    init(endpoint: String, keyPair: CurveKeyPair, actors: AllowList, context: ZMQContext, store: any Store, file: CaseFile,
         afterCommit: @escaping @Sendable () async -> Void, logger: Logger) async throws {
        let socket = try context.socket(.router)
        try socket.makeCurveServer(keyPair: keyPair, allowList: actors)
        try socket.setRouterMandatory(true)
        try socket.setMaxMessageSize(1 << 20)
        try socket.setHeartbeat(interval: .seconds(5), timeout: .seconds(30), ttl: .seconds(60))
        boundEndpoint = try socket.bind(endpoint)
        self.socket = await AsyncSocket(socket, loop: PollLoop(name: "tracker-commands"))
        self.commits = GroupCommit(store: store, name: "tracker_commands")
        self.file = file
        self.afterCommit = afterCommit
        self.logger = logger
    }

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for try await message in socket.messages {
                group.addTask { [self] in await handle(message) }
            }
        }
    }

    func close() async { await socket.close() }

    private func handle(_ message: Multipart) async {
        let frames = message.frames
        guard frames.count == 2 else { return }
        let routing = frames[0]
        guard let role = message.userID, role.hasPrefix("officer:") || role.hasPrefix("prosecutor:") else {
            return await send(SchemaError(.roleNotAllowed, "this key may not send case commands").errorReply, to: routing, correlation: "")
        }
        let envelope: Iblagh_V1_Envelope
        let command: Iblagh_V1_CaseCommand
        do {
            envelope = try Iblagh_V1_Envelope(frame: frames[1])
            guard envelope.type == .caseCommand else {
                return await send(SchemaError(.unknownMessageType, "this endpoint takes CASE_COMMAND only").errorReply, to: routing, correlation: envelope.messageID)
            }
            command = try envelope.payload(as: Iblagh_V1_CaseCommand.self)
            try Iblagh_V1_Envelope.validate(messageID: command.commandID)
        } catch {
            return await send(error.errorReply, to: routing, correlation: "")
        }
        do {
            let file = self.file
            let reply = try await commits.write { try file.execute(command, role: role, now: Date(), in: $0) }
            logger.info("case command", metadata: ["role": "\(role)", "tracking_id": "\(command.trackingID)", "outcome": "\(reply.refusal.code.isEmpty ? "done" : reply.refusal.code)"])
            await afterCommit()
            await send(reply, to: routing, correlation: envelope.messageID)
        } catch {
            // Nothing was committed: the caller retries with the same command id.
            logger.error("case command failed", metadata: ["error": "\(error)"])
            await send(SchemaError(.internal, "the command could not be carried out; retry with the same command id").errorReply, to: routing, correlation: envelope.messageID)
        }
    }

    private func send(_ payload: some BusPayload, to routing: [UInt8], correlation: String) async {
        guard let envelope = try? Iblagh_V1_Envelope(wrapping: payload, messageID: MessageID.unique(), producer: file.producer, correlationID: correlation) else { return }
        try? await socket.send(Multipart([routing, envelope.frame]))
    }
}
