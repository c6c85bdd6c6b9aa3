import CZeroMQ
import Foundation
import Testing
@testable import ZeroMQ

@Suite("CURVE and ZAP: who may talk to a bound endpoint")
struct CurveAuthenticationTests {
    @Test("an allowed client's messages arrive carrying its role as User-Id")
    func allowedClientDeliversWithRole() async throws {
        let integrator = try CurveKeyPair.generate()
        let fixture = try await CurveFixture(allow: AllowList([integrator.publicKey: "integrator"]))
        let client = try await fixture.client(keys: integrator)
        try await client.send(Multipart(strings: ["report", "42"]))
        let message = try await withDeadline(20) { try await fixture.server.receive() }
        #expect(message.frames == [Array("report".utf8), Array("42".utf8)])
        #expect(message.userID == "integrator")
        await client.close()
        await fixture.stop()
    }

    @Test("a ROUTER sees each DEALER's role on its messages")
    func routerSeesRolesPerPeer() async throws {
        let router = try CurveKeyPair.generate(), console = try CurveKeyPair.generate()
        let fixture = try await CurveFixture(
            .router, allow: AllowList([router.publicKey: "router", console.publicKey: "unit:KENITRA"]))
        let first = try await fixture.client(.dealer, keys: router)
        let second = try await fixture.client(.dealer, keys: console)
        try await first.send(Multipart(strings: ["from router"]))
        try await second.send(Multipart(strings: ["from console"]))
        var roles: [String: String] = [:]
        for _ in 0..<2 {
            let message = try await withDeadline(20) { try await fixture.server.receive() }
            #expect(message.frames.count == 2)  // routing id + body
            roles[String(decoding: message.frames[1], as: UTF8.self)] = message.userID
        }
        #expect(roles == ["from router": "router", "from console": "unit:KENITRA"])
        await first.close()
        await second.close()
        await fixture.stop()
    }

    @Test("a client with an unknown key delivers nothing and the server sees the refused handshake")
    func unknownKeyIsRefused() async throws {
        let allowed = try CurveKeyPair.generate(), stranger = try CurveKeyPair.generate()
        let fixture = try await CurveFixture(allow: AllowList([allowed.publicKey: "integrator"]))
        let refusalsBefore = fixture.context.authenticator.refusals
        let intruder = try await fixture.client(keys: stranger)
        // Not `send`: once libzmq sees the refusal it drops the pipe, and a send would wait for a peer forever.
        _ = try await intruder.trySend(Multipart(strings: ["intruder"]))
        let event = try await fixture.waitForEvent { $0.kind == .handshakeFailedAuth }
        #expect(event.value == 400)
        #expect(fixture.context.authenticator.refusals > refusalsBefore)
        try await expectOnlyMarkerArrives(fixture, allowed: allowed)
        await intruder.close()
        await fixture.stop()
    }

    @Test("a client that expects another server key delivers nothing and the server sees a failed handshake")
    func wrongServerKeyIsRefused() async throws {
        let allowed = try CurveKeyPair.generate()
        let fixture = try await CurveFixture(allow: AllowList([allowed.publicKey: "integrator"]))
        let impostorServer = try CurveKeyPair.generate()
        let confused = try await fixture.client(keys: allowed, serverKey: impostorServer.publicKey)
        _ = try await confused.trySend(Multipart(strings: ["misdirected"]))
        let event = try await fixture.waitForEvent { $0.isHandshakeFailure }
        #expect(event.kind == .handshakeFailedProtocol)
        try await expectOnlyMarkerArrives(fixture, allowed: allowed)
        await confused.close()
        await fixture.stop()
    }

    @Test("a client without CURVE delivers nothing and the server sees a mechanism mismatch")
    func plaintextClientIsRefused() async throws {
        let allowed = try CurveKeyPair.generate()
        let fixture = try await CurveFixture(allow: AllowList([allowed.publicKey: "integrator"]))
        // An intruder does not use our API: raw libzmq, no security at all.
        let rawContext = zmq_ctx_new()
        let raw = zmq_socket(rawContext, ZMQ_PUSH)
        var linger: Int32 = 0
        zmq_setsockopt(raw, ZMQ_LINGER, &linger, 4)
        #expect(zmq_connect(raw, fixture.endpoint) == 0)
        _ = "plaintext".withCString { zmq_send(raw, $0, 9, ZMQ_DONTWAIT) }
        // Either side may notice the mismatch first: the server reports it, or sees the intruder hang up.
        let event = try await fixture.waitForEvent { $0.isHandshakeFailure }
        if event.kind == .handshakeFailedProtocol {
            #expect(event.value == UInt32(bitPattern: ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH))
        } else {
            #expect(event.kind == .handshakeFailedNoDetail)
        }
        try await expectOnlyMarkerArrives(fixture, allowed: allowed)
        zmq_close(raw)
        zmq_ctx_term(rawContext)
        await fixture.stop()
    }

    @Test("a message over MAXMSGSIZE is refused and its connection dropped; other clients keep being served")
    func oversizedMessageDropsOnlyItsSender() async throws {
        let big = try CurveKeyPair.generate(), small = try CurveKeyPair.generate()
        let fixture = try await CurveFixture(
            allow: AllowList([big.publicKey: "big", small.publicKey: "small"]), maxMessageSize: 1024)
        let oversized = try await fixture.client(keys: big)
        try await oversized.send(Multipart([UInt8](repeating: 7, count: 1025)))
        _ = try await fixture.waitForEvent { $0.kind == .disconnected }
        let polite = try await fixture.client(keys: small)
        try await polite.send(Multipart([UInt8](repeating: 1, count: 1024)))  // exactly the limit
        let message = try await withDeadline(20) { try await fixture.server.receive() }
        #expect(message.userID == "small")
        #expect(message.byteCount == 1024)
        await oversized.close()
        await polite.close()
        await fixture.stop()
    }

    @Test("binding or connecting TCP without CURVE is refused by the API")
    func plaintextTransportIsRefused() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.pull)
        #expect(throws: ZMQError.self) { try socket.bind("tcp://127.0.0.1:*") }
        let client = try context.socket(.push)
        do {
            try client.connect("tcp://127.0.0.1:5555")
            Issue.record("a plaintext connect was allowed")
        } catch let error as ZMQError {
            #expect(error.code == .plaintextTransport)
        }
        // inproc never leaves the process and stays allowed.
        #expect(try socket.bind("inproc://plain-ok") == "inproc://plain-ok")
    }

    @Test("an allow-list replaced while the server runs admits the new key")
    func allowListUpdates() async throws {
        let first = try CurveKeyPair.generate()
        let fixture = try await CurveFixture(allow: AllowList())
        try await fixture.server.withSocket { try $0.updateAllowList(AllowList([first.publicKey: "late"])) }
        let client = try await fixture.client(keys: first)
        try await client.send(Multipart(strings: ["hello"]))
        let message = try await withDeadline(20) { try await fixture.server.receive() }
        #expect(message.userID == "late")
        await client.close()
        await fixture.stop()
    }

    /// After an intruder failed, an allowed client's marker is the first and only message the server receives.
    private func expectOnlyMarkerArrives(_ fixture: CurveFixture, allowed: CurveKeyPair) async throws {
        let client = try await fixture.client(keys: allowed)
        try await client.send(Multipart(strings: ["marker"]))
        let message = try await withDeadline(20) { try await fixture.server.receive() }
        #expect(message.frames == [Array("marker".utf8)])
        #expect(message.userID == "integrator")
        await client.close()
    }
}
