/// A setting that is missing or wrong, named by its key, so an operator knows what to fix. Never carries a secret.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let key: String
    public let problem: String

    public init(key: String, _ problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "configuration \(key): \(problem)" }
}
