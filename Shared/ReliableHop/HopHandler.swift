import IblaghSchemas
import IblaghStore

/// What a consumer does with each message: its effect, applied inside the consumer's transaction together with the
/// inbox record and any outbox rows it writes. It runs once per message id.
public protocol HopHandler: Sendable {
    /// Applies `envelope`, delivered by `upstream`. Throw ``HopRejection`` for a message that can never be applied
    /// (it is dead-lettered at the producer); any other error fails the whole batch, which is retried.
    func apply(_ envelope: Iblagh_V1_Envelope, from upstream: String, in transaction: any StoreTransaction) throws
}

/// A message refused for good: the reason goes to the producer's dead-letter table and the logs (never the payload).
public struct HopRejection: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
