import IblaghSchemas
import ReliableHop
import ZeroMQ

extension Settings {
    /// The upstream producer instances named by `key`: `ENDPOINT@PUBLIC_CERT`, comma-separated. Each becomes an
    /// upstream `KIND-N` of the reliable hop, taking `types`. An empty or missing list is an error when `required`.
    public func upstreams(
        _ key: String, kind: String, types: Set<Iblagh_V1_MessageType>, required: Bool = true
    ) throws -> [ConsumerConfiguration.Upstream] {
        let list = required ? try requiredString(key) : (optionalString(key) ?? "")
        var upstreams: [ConsumerConfiguration.Upstream] = []
        for (index, entry) in list.split(separator: ",").enumerated() {
            let parts = entry.split(separator: "@", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].hasPrefix("tcp://") || parts[0].hasPrefix("ipc://") else {
                throw ConfigurationError(key: key, "entry \(index + 1) is not ENDPOINT@PUBLIC_CERT")
            }
            let serverKey = try ConfigurationError.naming(key) { try CurveCertificate.loadPublicKey(file: parts[1]) }
            upstreams.append(.init(name: "\(kind)-\(index + 1)", endpoint: parts[0], serverKey: serverKey, acceptedTypes: types))
        }
        if required, upstreams.isEmpty { throw ConfigurationError(key: key, "names no \(kind)") }
        return upstreams
    }
}

extension ConfigurationError {
    /// Runs `load` (reading a key file, a directory, a data file), turning its error into one that names `key`.
    public static func naming<T>(_ key: String, _ load: () throws -> T) throws -> T {
        do {
            return try load()
        } catch {
            throw named(error, key)
        }
    }

    /// Runs `start` (binding an endpoint, e.g. a port another process holds), turning its error into one that names
    /// `key`.
    public static func naming<T>(_ key: String, _ start: () async throws -> T) async throws -> T {
        do {
            return try await start()
        } catch {
            throw named(error, key)
        }
    }

    /// `error` as one that names `key` (a ``ConfigurationError`` already names its own).
    private static func named(_ error: any Error, _ key: String) -> any Error {
        error as? ConfigurationError ?? ConfigurationError(key: key, "\(error)")
    }
}
