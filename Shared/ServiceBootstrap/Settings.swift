import Configuration
import Foundation

/// A service's settings, read from the command line (`--intake-http-port 8080`), the environment
/// (`INTAKE_HTTP_PORT=8080`) and a JSON file (`--config FILE` or `IBLAGH_CONFIG`), in that order of precedence.
///
/// Every read either returns a valid value or throws a ``ConfigurationError`` naming the key: a value present but
/// not convertible is an error, never silently replaced by the default.
public struct Settings: Sendable {
    public let reader: ConfigReader

    public init(reader: ConfigReader) {
        self.reader = reader
    }

    /// The settings of this process: its arguments, its environment, and the JSON file either of them names.
    public static func load(
        arguments: [String] = CommandLine.arguments, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Settings {
        var file: String?
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
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw ConfigurationError(key: "config", "cannot read the configuration file \(file)")
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(file)))
            } catch {
                throw ConfigurationError(key: "config", "\(file) is not a valid JSON configuration file (\(error))")
            }
        }
        return Settings(reader: ConfigReader(providers: providers))
    }

    /// Settings from a dictionary (tests, and defaults layered below the real sources).
    public init(_ values: [String: String]) {
        self.init(reader: ConfigReader(provider: InMemoryProvider(values: values.reduce(into: [:]) { result, entry in
            result[AbsoluteConfigKey(entry.key.split(separator: ".").map(String.init))] = ConfigValue(.string(entry.value), isSecret: false)
        })))
    }

    public func string(_ key: String, default value: String) -> String {
        reader.string(forKey: ConfigKey(key)) ?? value
    }

    public func optionalString(_ key: String) -> String? {
        reader.string(forKey: ConfigKey(key)).flatMap { $0.isEmpty ? nil : $0 }
    }

    public func requiredString(_ key: String) throws -> String {
        guard let value = optionalString(key) else { throw ConfigurationError(key: key, "is required and not set") }
        return value
    }

    /// An integer in `range`; a value that is not an integer, or outside the range, is an error naming the key.
    public func int(_ key: String, default value: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
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

    /// A number of seconds, greater than zero.
    public func seconds(_ key: String, default value: Double) throws -> Duration {
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

extension Duration {
    /// The duration as a number of seconds.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
