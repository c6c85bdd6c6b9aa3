import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IblaghSchemas
import IblaghStore
import Testing
import TestSupport
import ZeroMQ

extension LocalStackTests {
    /// The whole stack under attack on every ZeroMQ endpoint it binds, while an enrolled integrator and citizens keep
    /// submitting: what an intruder sends is refused, what they send is carried through, and no service's memory grows
    /// with the attack.
    @Test("garbage, stalled handshakes, no CURVE, unknown keys and a wrong role against every endpoint are refused; enrolled traffic flows; memory stays bounded")
    func intruders() async throws {
        let stack = Stack(state: try temporaryDirectory())
        defer { stack.stopOnExit() }
        let started = try await stack.call("start")
        try #require(started.status == 0, "\(started.error)")
        let endpoints = try Self.boundEndpoints(configFolder: "\(stack.state)/local/config")
        #expect(endpoints.count >= 10, "\(endpoints)")
        let pids = try stack.pids()
        let before = pids.mapValues(Self.residentKiB)

        // The attack, on threads of its own: per endpoint, connections that send garbage, that start a ZMTP greeting and
        // stall, and that offer no CURVE. Each must be closed by the service.
        let attack = Task {
            try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for (name, endpoint) in endpoints {
                    let port = endpoint.port
                    group.addTask {
                        try await detached { (name, try Self.attack(port: port)) }
                    }
                }
                var stillOpen: [String: Int] = [:]
                for try await (name, open) in group where open > 0 { stillOpen[name] = open }
                return stillOpen
            }
        }
        // Meanwhile: a stranger's key on intake's bus, the integrator's key on intake's hand-off endpoint (not enrolled
        // there), and the tracker's key — enrolled there as a tracker — trying to consume the hand-offs as a router.
        let keys = "\(stack.state)/local/keys"
        let context = try ZMQContext()
        let busEndpoint = try #require(endpoints["intake.bus"]).url, dispatchEndpoint = try #require(endpoints["intake.dispatch"]).url
        let stranger = try await Self.dealer(context, keyPair: try CurveKeyPair.generate(), serverKey: "\(keys)/intake.key", endpoint: busEndpoint)
        // Bounded: once its handshake is refused the stranger's DEALER has no peer, and a send would wait for one.
        let strangerRequest = try Iblagh_V1_Envelope(wrapping: Canary.submit(key: "stranger-1"), messageID: "stranger-1", producer: "x")
        _ = try await withTimeout(.seconds(2)) { try await stranger.send(Multipart([strangerRequest.frame])) }
        let integratorKey = try CurveCertificate.loadKeyPair(secretFile: "\(keys)/integrator-acme.key_secret")
        let misplaced = try await Self.dealer(context, keyPair: integratorKey, serverKey: "\(keys)/intake.key", endpoint: dispatchEndpoint)
        let impostor = try await Self.dealer(
            context, keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(keys)/tracker.key_secret"),
            serverKey: "\(keys)/intake.key", endpoint: dispatchEndpoint)
        for socket in [misplaced, impostor] {
            let credit = Iblagh_V1_Credit.with { $0.consumerGroup = "router"; $0.consumerID = "impostor"; $0.credit = 100 }
            let frames = Multipart([Array("CREDIT".utf8), try credit.serializedBytes()])
            _ = try await withTimeout(.seconds(2)) { try await socket.send(frames) }  // the misplaced key's is refused
        }
        let refusal = try await impostor.receive(before: .now + .seconds(10))
        #expect(refusal.map { String(decoding: $0.frames[0], as: UTF8.self) } == "ERROR", "the impostor was not refused")
        #expect(try refusal.map { try Iblagh_V1_ErrorReply(serializedBytes: $0.frames[1]).code } == .roleNotAllowed)

        // Enrolled traffic during the attack: the integrator over the bus and citizens over HTTP, each report carried
        // through the router to the tracker.
        var tracking: [String] = []
        let integrator = try await Self.dealer(context, keyPair: integratorKey, serverKey: "\(keys)/intake.key", endpoint: busEndpoint)
        for index in 0..<20 {
            let request = try Iblagh_V1_Envelope(wrapping: Canary.submit(key: "enrolled-bus-\(index)"), messageID: "enrolled-\(index)", producer: "acme")
            try await integrator.send(Multipart([request.frame]))
            let reply = try Iblagh_V1_Envelope(frame: try await integrator.receive().frames[0])
            let outcome = try reply.payload(as: Iblagh_V1_SubmitReportReply.self)
            if case .accepted(let accepted)? = outcome.outcome { tracking.append(accepted.trackingID) }
        }
        let api = "http://127.0.0.1:\(8080 + stack.offset)"
        for index in 0..<5 {
            var request = URLRequest(url: URL(string: "\(api)/v1/reports")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("enrolled-http-\(index)", forHTTPHeaderField: "Idempotency-Key")
            request.httpBody = Data(Canary.json.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 201)
            if let reply = try? JSONDecoder().decode(TrackingReply.self, from: data) { tracking.append(reply.tracking_id) }
        }
        let stillOpen = try await attack.value
        #expect(stillOpen.isEmpty, "connections the services kept open: \(stillOpen)")
        // The stranger got nothing back; the impostor got no delivery after its refusal.
        #expect(try await stranger.receive(before: .now + .milliseconds(500)) == nil)
        #expect(try await impostor.receive(before: .now + .milliseconds(500)) == nil)
        #expect(try await misplaced.receive(before: .now + .milliseconds(500)) == nil)

        let tracker = try SQLiteStore(path: "\(stack.state)/local/tracker-1/tracker.db", migrations: [])
        let deadline = Date().addingTimeInterval(60)
        var reached = 0
        while Date() < deadline {
            reached = Int(try await tracker.read { try $0.rows("SELECT COUNT(*) AS n FROM tracker_case").first?.integer("n") } ?? 0)
            if reached >= tracking.count + 2 { break }  // + the two demonstration reports
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(tracking.count == 25 && reached == tracking.count + 2, "\(reached) cases at the tracker for \(tracking.count) accepted")

        // Bounded memory: no service grew by more than 24 MiB over the attack; every refused handshake was logged.
        for (name, pid) in pids {
            let grown = Self.residentKiB(pid) - (before[name] ?? 0)
            #expect(grown < 24 * 1024, "\(name) grew by \(grown) KiB during the attack")
            #expect(LocalStackTests.isRunning(pid), "\(name) died during the attack")
        }
        let intakeLog = try String(contentsOfFile: "\(stack.state)/local/logs/intake.log", encoding: .utf8)
        #expect(intakeLog.contains("CURVE handshake refused"))
        #expect(intakeLog.contains("dispatch frame refused"))
        _ = try await stack.call("stop")
    }

    /// Opens 10 connections that send garbage, 10 that send the start of a ZMTP greeting and stall, and 5 that offer
    /// ZMTP 3.0 without CURVE (the NULL mechanism); returns how many the service had not closed after its handshake
    /// limit and a margin.
    static func attack(port: Int) throws -> Int {
        var clients: [RawTCP] = []
        var generator = SystemRandomNumberGenerator()
        // signature, version 3.0, mechanism "NULL" padded to 20 bytes, as-server 0, 31 bytes of filler.
        let nullGreeting: [UInt8] = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 0] + Array("NULL".utf8) + [UInt8](repeating: 0, count: 16 + 1 + 31)
        for index in 0..<25 {
            let client = try RawTCP(port: port)
            switch index {
            case 0..<10: client.send((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
            case 10..<20: client.send([0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F])  // a ZMTP 3 signature, then silence
            default: client.send(nullGreeting)
            }
            clients.append(client)
        }
        let limit = Double(ZMQSocket.handshakeLimitMilliseconds) / 1000 + 5
        let start = Date()
        return clients.filter { !$0.receive(timeout: max(0.1, limit - Date().timeIntervalSince(start))).closed }.count
    }

    /// Every ZeroMQ endpoint the stack's instances bind, by "service.key" (from their settings files), with its port.
    static func boundEndpoints(configFolder: String) throws -> [String: (url: String, port: Int)] {
        var found: [String: (url: String, port: Int)] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: configFolder) where file.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(configFolder)/\(file)"))
            guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            for (service, value) in root {
                guard let settings = value as? [String: Any] else { continue }
                for (key, nested) in settings {
                    guard let url = (nested as? [String: Any])?["endpoint"] as? String,
                        let port = url.split(separator: ":").last.flatMap({ Int($0) })
                    else { continue }
                    let instance = file.dropLast(5)
                    found[instance == service ? "\(service).\(key)" : "\(instance).\(key)"] = (url, port)
                }
            }
        }
        return found
    }

    static func dealer(_ context: ZMQContext, keyPair: CurveKeyPair, serverKey: String, endpoint: String) async throws -> AsyncSocket {
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(keyPair: keyPair, serverKey: try CurveCertificate.loadPublicKey(file: serverKey))
        try socket.setLinger(.zero)
        try socket.connect(endpoint)
        return await AsyncSocket(socket, loop: PollLoop(name: "intruder"))
    }

    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    struct TrackingReply: Decodable { let tracking_id: String }
}
