import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hexadecimal
import IblaghCrypto
import IblaghSchemas
import IblaghStore
import SwiftProtobuf
import ZeroMQ

/// A real intake process for a test: its keys, data key, known-material list and JSON configuration in a fresh
/// folder, started with ephemeral ports, and clients for its bus and HTTP doors.
public final class IntakeFixture: @unchecked Sendable {
    // @unchecked: the fields are set in init; `process` is only restarted by the test's own task.
    public let directory: String
    public let process: ServiceProcess
    public private(set) var httpPort = 0
    public private(set) var busEndpoint = ""
    public private(set) var dispatchEndpoint = ""
    public let context: ZMQContext
    /// SHA-256 of `knownFile`, listed as known material.
    public static let knownFile = Array("harmless test file standing in for known material\n".utf8)

    /// Intake's database (`extra["database"]` when a test puts it elsewhere, e.g. on a small file system).
    public let database: String
    /// Each service instance's store in this test (intake's own is `database`).
    public let databases: InstanceDatabases
    public var logPath: String { "\(directory)/intake.log" }
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(httpPort)")! }

    public init(
        test: String = #function, store: StoreKind = .sqlite, postgres: PostgresServer? = nil, extra: [String: Any] = [:],
        logFormat: String = "text"
    ) async throws {
        directory = try temporaryDirectory(test)
        databases = InstanceDatabases(directory: directory, store: store, server: postgres)
        if let placed = extra["database"] as? String { databases.place("intake", at: placed) }
        database = try await databases.location("intake")
        let keys = "\(directory)/keys"
        for folder in ["integrators", "consumers", "own"] {
            try FileManager.default.createDirectory(atPath: "\(keys)/\(folder)", withIntermediateDirectories: true)
        }
        let intake = try CurveKeyPair.generate()
        try CurveCertificate.write(intake, name: "intake", directory: "\(keys)/own")
        for (name, role) in [("acme", "integrator:acme"), ("other", "integrator:other"), ("intruder", "router")] {
            let pair = try CurveKeyPair.generate()
            try CurveCertificate.write(pair, name: name, directory: "\(keys)/own")
            if role.hasPrefix("integrator:") {
                try CurveCertificate.write(pair, name: name, directory: "\(keys)/integrators", metadata: ["role": role])
                try FileManager.default.removeItem(atPath: "\(keys)/integrators/\(name).key_secret")
            }
        }
        // Two router instances (each its own key pair) and a tracker consume intake's messages.
        for (name, role) in [("router", "router"), ("router-2", "router"), ("tracker", "tracker")] {
            let pair = try CurveKeyPair.generate()
            try CurveCertificate.write(pair, name: name, directory: "\(keys)/own")
            try CurveCertificate.write(pair, name: name, directory: "\(keys)/consumers", metadata: ["role": role])
            try FileManager.default.removeItem(atPath: "\(keys)/consumers/\(name).key_secret")
        }
        try DataKeyFile.generate("\(keys)/data.keys", id: "test-1")
        let knownHash = Hex.string(SHA256.hash(Self.knownFile))
        try "# test hashes only\n\(knownHash)\n".write(toFile: "\(keys)/known.sha256", atomically: true, encoding: .utf8)
        var intakeSettings: [String: Any] = [
            "id": "intake-test", "database": database, "key": "\(keys)/own/intake.key_secret",
            "integrators": "\(keys)/integrators", "consumers": "\(keys)/consumers", "dataKey": "\(keys)/data.keys",
            "knownMaterial": "\(keys)/known.sha256",
            // Ports from TestPorts: a restart keeps them, and no other test can take them meanwhile.
            "bus": ["endpoint": TestPorts.endpoint()], "dispatch": ["endpoint": TestPorts.endpoint()],
            "http": ["host": "127.0.0.1", "port": TestPorts.free()],
            // The cheapest receipt hash (2^4): the default 2^10 took half the CPU of tests that submit thousands of
            // reports. Hashing and comparing work alike at any cost.
            "receipt": ["scryptLogN": 4],
            "rateLimit": ["perMinute": 6000, "burst": 1000],
            "statusLimit": ["perMinute": 6000],
            "evidence": ["maxMiB": 1],
        ]
        intakeSettings.merge(extra) { _, new in new }
        let configuration: [String: Any] = ["intake": intakeSettings, "log": ["level": "debug", "format": logFormat]]
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: "\(directory)/intake.json"))
        context = try ZMQContext()
        process = try ServiceProcess(
            builtExecutable("iblagh-intake"), ["--config", "\(directory)/intake.json"],
            outputPath: "\(directory)/intake.out", errorPath: "\(directory)/intake.log")
        try await waitUntilReady()
    }

    deinit { process.stop() }

    /// Reads the `ready` line: `ready http=PORT bus=ENDPOINT dispatch=ENDPOINT`.
    public func waitUntilReady() async throws {
        let line = try await process.waitForLine("ready ")
        for part in line.split(separator: " ").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            switch pair[0] {
            case "http": httpPort = Int(pair[1]) ?? 0
            case "bus": busEndpoint = pair[1]
            case "dispatch": dispatchEndpoint = pair[1]
            default: break
            }
        }
    }

    /// kill -9 and start again on the same ports, database and keys.
    /// `settings` are added to intake's configuration for the restart (e.g. the trackers it listens to).
    public func crashAndRestart(adding settings: [String: Any] = [:]) async throws {
        process.crash()
        try await restartOnSamePorts(adding: settings)
    }

    /// SIGTERM, then a start on the same ports; returns how the stopped process exited (nil: not within 20 s).
    public func terminateAndRestart() async throws -> Int32? {
        let status = await process.terminate()
        try await restartOnSamePorts(adding: [:])
        return status
    }

    private func restartOnSamePorts(adding settings: [String: Any]) async throws {
        try? FileManager.default.removeItem(atPath: process.outputPath)
        // Pin the ports the first start chose, so clients reconnect to the same place.
        let configURL = URL(fileURLWithPath: "\(directory)/intake.json")
        var configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any] ?? [:]
        var intake = configuration["intake"] as? [String: Any] ?? [:]
        intake["bus"] = ["endpoint": busEndpoint]
        intake["dispatch"] = ["endpoint": dispatchEndpoint]
        intake["http"] = ["host": "127.0.0.1", "port": httpPort]
        intake.merge(settings) { _, new in new }
        configuration["intake"] = intake
        try JSONSerialization.data(withJSONObject: configuration).write(to: configURL)
        try process.restart()
        try await waitUntilReady()
    }

    // MARK: Clients

    /// A DEALER connected as integrator `name` (a key pair in keys/own).
    public func integrator(_ name: String = "acme") async throws -> AsyncSocket {
        let socket = try context.socket(.dealer)
        try socket.makeCurveClient(
            keyPair: try CurveCertificate.loadKeyPair(secretFile: "\(directory)/keys/own/\(name).key_secret"),
            serverKey: try CurveCertificate.loadPublicKey(file: "\(directory)/keys/own/intake.key"))
        try socket.setLinger(.zero)
        try socket.connect(busEndpoint)
        return await AsyncSocket(socket, loop: PollLoop(name: "test-integrator"))
    }

    /// Sends `submit` on `socket` and waits for the reply whose correlation id is the request's id.
    public func submit(_ submit: Iblagh_V1_SubmitReport, on socket: AsyncSocket, messageID: String = UUID().uuidString) async throws -> Iblagh_V1_Envelope {
        let envelope = try Iblagh_V1_Envelope(wrapping: submit, messageID: messageID, producer: "test")
        try await socket.send(Multipart([envelope.frame]))
        let reply = try await socket.receive()
        return try Iblagh_V1_Envelope(frame: reply.frames[0])
    }

    /// Sends `count` valid reports on `socket` without waiting (keys and request ids `PREFIX-n`, `PREFIX-req-n`), then
    /// receives `count` replies, in the order they come.
    public func submitPipelined(_ count: Int, prefix: String, on socket: AsyncSocket) async throws -> [Iblagh_V1_Envelope] {
        for index in 0..<count {
            let envelope = try Iblagh_V1_Envelope(wrapping: Canary.submit(key: "\(prefix)-\(index)"), messageID: "\(prefix)-req-\(index)", producer: "test")
            try await socket.send(Multipart([envelope.frame]))
        }
        var replies: [Iblagh_V1_Envelope] = []
        for _ in 0..<count { replies.append(try Iblagh_V1_Envelope(frame: try await socket.receive().frames[0])) }
        return replies
    }

    /// An HTTP request to the JSON API; returns status, headers and body.
    /// A session that neither stores nor sends cookies by itself (tests set the `Cookie` header they mean), and
    /// does not follow redirects' cookies across the fixtures of tests running side by side.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        return URLSession(configuration: configuration)
    }()

    public func http(
        _ method: String, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:]
    ) async throws -> (status: Int, headers: [String: String], body: [UInt8]) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = method
        request.httpBody = body.map { Data($0) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { fields["\(name.base)".lowercased()] = "\(value)" }
        return (http?.statusCode ?? 0, fields, [UInt8](data))
    }

    /// Where service instance `name` of this test keeps its store (see ``InstanceDatabases``).
    public func databaseLocation(_ name: String) async throws -> String {
        try await databases.location(name)
    }

    /// Runs a query on the intake's database (a second connection; WAL lets it read while intake writes).
    public func query(_ sql: String, _ arguments: [StoreValue] = []) async throws -> [StoreRow] {
        try await readStore(database) { try $0.rows(sql, arguments) } ?? []
    }

    public func count(_ table: String) async throws -> Int {
        Int(try await query("SELECT COUNT(*) AS n FROM \(table)").first?.integer("n") ?? -1)
    }
}

/// Reads a service's store behind its back (a second connection: SQLite's WAL and PostgreSQL let it read while the
/// service writes); nil when a SQLite file does not exist yet.
public func readStore<T: Sendable>(_ location: String, _ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T? {
    if case .sqlite(let path) = StoreLocation(location), !FileManager.default.fileExists(atPath: path) { return nil }
    return try await StoreLocation(location).open(migrations: []).read(body)
}

/// A valid report with canary values, so tests can look for them where they must not be.
public enum Canary {
    public static let name = "Canaryname Zzqxj"
    public static let phone = "+212 6 99 88 77 66"
    public static let description = "canary-description-7f3a9 threatened to publish photos"

    public static func report(accounts: [String] = ["@canary_extorter_1"]) -> Iblagh_V1_Report {
        .with {
            $0.category = .sextortion
            $0.description_p = description
            // Fixed (as in `json`): a retry is the same report, byte for byte, as an integrator's is.
            $0.occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_793_566_800))   // 2026-11-01T21:00:00Z
            $0.residence = "Kénitra"
            $0.victimIsMinor = false
            $0.reportedAccounts = accounts.map { value in .with {
                $0.kind = .socialMediaAccount
                $0.value = value
                $0.platform = "instagram"
            } }
            $0.reporter = .with {
                $0.fullName = name
                $0.phone = phone
            }
            $0.preferredLanguage = .french
        }
    }

    public static func submit(key: String, report: Iblagh_V1_Report = report()) -> Iblagh_V1_SubmitReport {
        .with {
            $0.integratorReportKey = key
            $0.report = report
        }
    }

    public static let json = """
        {"category": "sextortion", "description": "\(description)", "occurred_at": "2026-11-01T21:00:00Z",
         "residence": "القنيطرة", "victim_is_minor": false,
         "reported_accounts": [{"kind": "phone_number", "value": "0699887766"}],
         "reporter": {"full_name": "\(name)", "phone": "\(phone)"}, "preferred_language": "ar"}
        """
}

/// The body of a GET, as text.
public func httpGet(_ url: String) async throws -> String {
    try await httpAnswer(url).body
}

/// The status and body of a GET, as text.
public func httpAnswer(_ url: String) async throws -> (status: Int, body: String) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}
