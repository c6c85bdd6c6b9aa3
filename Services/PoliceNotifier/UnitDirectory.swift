import Foundation
import IblaghSchemas
import JSONFiles

/// The units a notifier serves (configuration file `notifier.units`): each unit's region, delivery channels,
/// escalation chain and deadlines per priority, with defaults for units the file does not list.
///
/// ```json
/// {"defaults": {"escalation": ["police.region.{region}.supervisor", "police.national.cybercrime"],
///               "deadlines": {"normal": {"acknowledgeSeconds": 3600, "contactSeconds": 86400},
///                             "urgent": {"acknowledgeSeconds": 900, "contactSeconds": 7200}}},
///  "units": [{"id": "police.wilaya.kenitra", "region": "04",
///             "webhook": {"url": "https://cms.example/iblagh", "secretFile": "keys/kenitra.webhook"}}]}
/// ```
/// `{region}` in a chain stands for the case's region code.
struct UnitDirectory: Sendable {
    struct Deadlines: Sendable, Decodable, Equatable {
        var acknowledgeSeconds: Double
        var contactSeconds: Double
    }

    struct DeadlinesByPriority: Sendable, Decodable, Equatable {
        var normal: Deadlines
        var urgent: Deadlines

        func forPriority(_ priority: Iblagh_V1_Priority) -> Deadlines { priority == .urgent ? urgent : normal }
    }

    struct Webhook: Sendable, Decodable, Equatable {
        var url: String
        var secretFile: String
    }

    struct Unit: Sendable, Decodable {
        var id: String
        var region: String?
        var escalation: [String]?
        var deadlines: DeadlinesByPriority?
        var webhook: Webhook?
    }

    struct Defaults: Sendable, Decodable {
        var escalation: [String]
        var deadlines: DeadlinesByPriority
    }

    struct File: Decodable {
        var defaults: Defaults
        var units: [Unit]
    }

    let defaults: Defaults
    let units: [String: Unit]
    /// Each webhook's signing secret, read once.
    let secrets: [String: [UInt8]]

    static let builtIn = Defaults(
        escalation: ["police.region.{region}.supervisor", "police.national.cybercrime"],
        deadlines: .init(normal: .init(acknowledgeSeconds: 3600, contactSeconds: 86_400), urgent: .init(acknowledgeSeconds: 900, contactSeconds: 7200)))

    init(defaults: Defaults = builtIn, units: [Unit] = []) throws {
        self.defaults = defaults
        self.units = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var secrets: [String: [UInt8]] = [:]
        for unit in units {
            guard let webhook = unit.webhook else { continue }
            guard let url = URL(string: webhook.url), url.scheme == "http" || url.scheme == "https" else {
                throw DirectoryError("unit \(unit.id): webhook url is not http(s)")
            }
            guard let secret = FileManager.default.contents(atPath: webhook.secretFile), secret.count >= 16 else {
                throw DirectoryError("unit \(unit.id): cannot read a webhook secret of at least 16 bytes from \(webhook.secretFile)")
            }
            secrets[unit.id] = [UInt8](secret)
        }
        self.secrets = secrets
    }

    static func load(file: String) throws -> UnitDirectory {
        guard let data = FileManager.default.contents(atPath: file) else { throw DirectoryError("cannot read the unit directory \(file)") }
        let parsed: File
        do {
            parsed = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw DirectoryError("\(file) is not a valid unit directory: \(JSONProblem.describe(error, in: data))")
        }
        for deadlines in [parsed.defaults.deadlines] + parsed.units.compactMap(\.deadlines) {
            for value in [deadlines.normal.acknowledgeSeconds, deadlines.normal.contactSeconds, deadlines.urgent.acknowledgeSeconds, deadlines.urgent.contactSeconds] where !(value > 0) {
                throw DirectoryError("\(file): deadlines must be positive numbers of seconds")
            }
        }
        return try UnitDirectory(defaults: parsed.defaults, units: parsed.units)
    }

    func deadlines(unit: String, priority: Iblagh_V1_Priority) -> Deadlines {
        (units[unit]?.deadlines ?? defaults.deadlines).forPriority(priority)
    }

    /// The unit told after `level` units failed: level 0 is the competent unit, then its chain.
    func chain(of unit: String, region: String) -> [String] {
        [unit] + (units[unit]?.escalation ?? defaults.escalation).map { $0.replacingOccurrences(of: "{region}", with: region.isEmpty ? "national" : region) }
            .filter { $0 != unit }
    }

    func webhook(of unit: String) -> (url: String, secret: [UInt8])? {
        guard let hook = units[unit]?.webhook, let secret = secrets[unit] else { return nil }
        return (hook.url, secret)
    }
}

struct DirectoryError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
