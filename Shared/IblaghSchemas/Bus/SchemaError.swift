/// Why a frame is not a message we can handle; its code is the ``Iblagh_V1_ErrorCode`` the sender gets back.
public struct SchemaError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: Iblagh_V1_ErrorCode
    /// One sentence naming what is wrong, never echoing the frame's contents.
    public let reason: String

    public init(_ code: Iblagh_V1_ErrorCode, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    /// The reply that tells the sender.
    public var errorReply: Iblagh_V1_ErrorReply {
        .with {
            $0.code = code
            $0.reason = reason
        }
    }
}
