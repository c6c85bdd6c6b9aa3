import Foundation
import ZeroMQ

/// The demonstration behind `iblagh demo`: a CURVE server whose allow-list holds one integrator's certificate;
/// that integrator's message arrives with its role, a stranger's never does and the server sees the refusal.
struct CurveDemo {
    let directory: String

    struct Outcome {
        var lines: [String] = []
        var succeeded = true
    }

    func run() async throws -> Outcome {
        var outcome = Outcome()
        let enrolled = "\(directory)/enrolled"
        let server = try generate("intake-demo", in: directory)
        let integrator = try generate("integrator-acme", in: enrolled, role: "integrator")
        let stranger = try generate("stranger", in: directory)
        outcome.lines.append("keys         written to \(directory)")

        let context = try ZMQContext()
        let loop = PollLoop(name: "demo")
        defer { loop.stop() }
        let allowList = try AllowList.load(directory: enrolled)
        let socket = try context.socket(.pull)
        try socket.makeCurveServer(keyPair: server, allowList: allowList)
        let pull = await AsyncSocket(socket, loop: loop)
        let events = try await pull.monitor(.handshakeFailures)
        let endpoint = try await pull.withSocket { try $0.bind("tcp://127.0.0.1:*") }
        outcome.lines.append("server       CURVE PULL on \(endpoint), allow-list: \(allowList.roles.count) key(s) from \(enrolled)")

        // The stranger goes first: if anything of its got through, it would be the first message received.
        let strangerSocket = try client(context, stranger, server.publicKey, endpoint)
        let intruder = await AsyncSocket(strangerSocket, loop: loop)
        // trySend, not send: once refused, libzmq drops the stranger's pipe and a send would wait forever.
        _ = try await intruder.trySend(Multipart(strings: ["from a stranger"]))
        let refusal = try await firstEvent(events, within: .seconds(10))
        outcome.lines.append("stranger     \(refusal.map { "refused: \($0)" } ?? "NOT REFUSED within 10 s")")
        outcome.succeeded = outcome.succeeded && refusal != nil

        let integratorSocket = try client(context, integrator, server.publicKey, endpoint)
        let enrolledClient = await AsyncSocket(integratorSocket, loop: loop)
        try await enrolledClient.send(Multipart(strings: ["report from integrator-acme"]))
        let message = try await pull.receive()
        let text = String(decoding: message.frames.first ?? [], as: UTF8.self)
        outcome.lines.append("integrator   delivered \"\(text)\" as User-Id \(message.userID ?? "-")")
        outcome.succeeded = outcome.succeeded && text == "report from integrator-acme" && message.userID == "integrator"
        outcome.lines.append(outcome.succeeded ? "OK: only the enrolled key got through" : "FAILED")

        await intruder.close()
        await enrolledClient.close()
        await pull.close()
        return outcome
    }

    private func generate(_ name: String, in directory: String, role: String? = nil) throws -> CurveKeyPair {
        let keyPair = try CurveKeyPair.generate()
        try CurveCertificate.write(keyPair, name: name, directory: directory, metadata: role.map { ["role": $0] } ?? [:])
        return try CurveCertificate.loadKeyPair(secretFile: "\(directory)/\(name).key_secret")
    }

    private func client(_ context: ZMQContext, _ keys: CurveKeyPair, _ serverKey: CurvePublicKey, _ endpoint: String) throws -> ZMQSocket {
        let socket = try context.socket(.push)
        try socket.makeCurveClient(keyPair: keys, serverKey: serverKey)
        try socket.connect(endpoint)
        return socket
    }

    private func firstEvent(_ events: AsyncStream<MonitorEvent>, within limit: Duration) async throws -> MonitorEvent? {
        try await withThrowingTaskGroup(of: MonitorEvent?.self) { group in
            group.addTask { await events.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
