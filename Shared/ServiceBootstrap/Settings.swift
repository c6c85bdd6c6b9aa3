import Configuration
import Foundation
import JSONFiles
import Synchronization

/// A service's settings, read from the command line (`--intake-http-port 8080`), the environment
/// (`INTAKE_HTTP_PORT=8080`) and a JSON file (`--config FILE` or `IBLAGH_CONFIG`), in that order of precedence.
///
/// Every read either returns a valid value or throws a ``ConfigurationError`` naming the key: a value present but
/// not convertible is an error, never silently replaced by the default.
public struct Settings: Sendable {
    public let reader: ConfigReader
    /// Keys given in the JSON file and on the command line, checked against the keys the service reads.
    private let given: [(key: String, source: String)]
    /// Every key a read asked for: the service's own list of settings, built as it reads them.
    private let asked = KeyLog()

    public init(reader: ConfigReader) {
        self.init(reader: reader, given: [])
    }

    private init(reader: ConfigReader, given: [(key: String, source: String)]) {
        self.reader = reader
        self.given = given
    }

    /// The settings of this process: its arguments, its environment, and the JSON file either of them names.
    public static func load(
        arguments: [String] = CommandLine.arguments, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Settings {
        var file: String?
        var given = commandLineKeys(arguments)
        if let index = arguments.firstIndex(of: "--config") {
            guard index + 1 < arguments.count else { throw ConfigurationError(key: "config", "--config needs a file path") }
            file = arguments[index + 1]
        } else {
            file = environment["IBLAGH_CONFIG"]
        }
        var providers: [any ConfigProvider] = [
            CommandLineArgumentsProvider(arguments: arguments),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ]
        if let file {
            guard FileManager.default.fileExists(atPath: file) else {
                throw ConfigurationError(key: "config", "the configuration file \(file) does not exist")
            }
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ConfigurationError(key: "config", "cannot read the configuration file \(file) (permission denied)")
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(file)))
                given += try fileKeys(file)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(key: "config", "the configuration file \(file) is not valid: \(JSONProblem.describe(error))")
            }
        }
        return Settings(reader: ConfigReader(providers: providers), given: given)
    }

    /// A key as the command line names it, without the dashes: `intake.dataKey` → `intake-data-key`.
    public static func commandLineName(_ key: String) -> String {
        key.split(separator: ".").map { part in
            part.reduce(into: "") { result, character in
                if character.isUppercase { result += "-" + character.lowercased() } else { result.append(character) }
            }
        }.joined(separator: "-")
    }

    /// A key as the environment names it: `intake.dataKey` → `INTAKE_DATA_KEY`.
    public static func environmentName(_ key: String) -> String {
        commandLineName(key).replacingOccurrences(of: "-", with: "_").uppercased()
    }

    /// Refuses a key in the file or on the command line that the service never read — a typo such as
    /// `router.databse` would otherwise leave the default in force without a word. Call it once every setting is
    /// read. Only sections the service reads are checked (one file may also hold another service's section).
    public func refuseUnknownKeys() throws {
        let known = asked.keys
        let sections = Set(known.compactMap { $0.split(separator: ".").first.map(String.init) })
        for (key, source) in given where !known.contains(key) {
            let name = key.hasPrefix("cli:") ? key.dropFirst(4).split(separator: "-").first : key.split(separator: ".").first
            guard let section = name.map(String.init), sections.contains(section) else { continue }
            throw ConfigurationError(
                key: key.hasPrefix("cli:") ? "--" + key.dropFirst(4) : key,
                "is not a setting of this service (\(source)); --help lists its settings, as does docs/configuration.md")
        }
    }

    /// The settings named as `--section-key-name VALUE` (or `--section-key-name=VALUE`), as dotted keys in the form
    /// the reads use once matched: kebab case is compared with the read keys' own kebab form in `refuseUnknownKeys`.
    private static func commandLineKeys(_ arguments: [String]) -> [(key: String, source: String)] {
        arguments.dropFirst().compactMap { argument in
            guard argument.hasPrefix("--"), argument != "--config" else { return nil }
            let name = argument.dropFirst(2).split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return ("cli:" + name, "command line --\(name)")
        }
    }

    /// The leaf keys of a JSON configuration file, dotted (`{"router": {"http": {"port": 1}}}` → `router.http.port`).
    private static func fileKeys(_ file: String) throws -> [(key: String, source: String)] {
        guard let data = FileManager.default.contents(atPath: file),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw ConfigurationError(key: "config", "\(file) is not a JSON object") }
        var keys: [(key: String, source: String)] = []
        func walk(_ object: [String: Any], _ prefix: String) {
            for (name, value) in object {
                let key = prefix.isEmpty ? name : "\(prefix).\(name)"
                if let nested = value as? [String: Any] { walk(nested, key) } else { keys.append((key, "in \(file)")) }
            }
        }
        walk(root, "")
        return keys.sorted { $0.key < $1.key }
    }

    /// Settings from a dictionary (tests, and defaults layered below the real sources).
    public init(_ values: [String: String]) {
        self.init(reader: ConfigReader(provider: InMemoryProvider(values: values.reduce(into: [:]) { result, entry in
            result[AbsoluteConfigKey(entry.key.split(separator: ".").map(String.init))] = ConfigValue(.string(entry.value), isSecret: false)
        })))
    }

    public func string(_ key: String, default value: String) -> String {
        text(key) ?? value
    }

    public func optionalString(_ key: String) -> String? {
        text(key).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The key's value as written. The command line splits `--notifier-regions 04,06` into two values, which a
    /// lookup of one string does not find: they are joined again, as a file or the environment gives them.
    private func text(_ key: String) -> String? {
        asked.insert(key)
        return reader.string(forKey: ConfigKey(key)) ?? reader.stringArray(forKey: ConfigKey(key))?.joined(separator: ",")
    }

    public func requiredString(_ key: String) throws -> String {
        guard let value = optionalString(key) else { throw ConfigurationError(key: key, "is required and not set") }
        return value
    }

    /// An integer in `range`; a value that is not an integer, or outside the range, is an error naming the key.
    public func int(_ key: String, default value: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        asked.insert(key)
        let found: Int
        if let number = reader.int(forKey: ConfigKey(key)) {
            found = number
        } else if let text = reader.string(forKey: ConfigKey(key)) {
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(key: key, "\"\(text)\" is not an integer")
            }
            found = number
        } else {
            return value
        }
        guard range.contains(found) else {
            throw ConfigurationError(key: key, "\(found) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return found
    }

    /// A whole number of milliseconds within `range`.
    public func milliseconds(_ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Duration {
        .milliseconds(try int(key, default: value, in: range))
    }

    /// A number of seconds, greater than zero.
    public func seconds(_ key: String, default value: Double) throws -> Duration {
        asked.insert(key)
        let found: Double
        if let number = reader.double(forKey: ConfigKey(key)) {
            found = number
        } else if let text = reader.string(forKey: ConfigKey(key)) {
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(key: key, "\"\(text)\" is not a number of seconds")
            }
            found = number
        } else {
            found = value
        }
        guard found > 0, found.isFinite else { throw ConfigurationError(key: key, "must be a positive number of seconds") }
        return .seconds(found)
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        asked.insert(key)
        if let flag = reader.bool(forKey: ConfigKey(key)) { return flag }
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw ConfigurationError(key: key, "\"\(text)\" is not true or false")
        }
    }

    /// A ZeroMQ endpoint: `tcp://HOST:PORT` (or `:*`) or `ipc://PATH`.
    public func endpoint(_ key: String, default value: String) throws -> String {
        let endpoint = string(key, default: value)
        guard endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("ipc://") else {
            throw ConfigurationError(key: key, "\"\(endpoint)\" is not a tcp:// or ipc:// endpoint")
        }
        return endpoint
    }
}

/// The keys a service's reads asked for (reads happen from any task; the set only grows).
private final class KeyLog: Sendable {
    private let storage = Mutex<Set<String>>([])

    func insert(_ key: String) {
        storage.withLock { _ = $0.insert(key) }
    }

    /// The dotted keys, and the command-line form of each (`cli:intake-data-key` for `intake.dataKey`).
    var keys: Set<String> {
        storage.withLock { keys in keys.union(keys.map { "cli:" + Settings.commandLineName($0) }) }
    }
}
