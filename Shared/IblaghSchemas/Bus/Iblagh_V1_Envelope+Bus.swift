import Foundation
import SwiftProtobuf

extension Iblagh_V1_Envelope {
    /// The schema version this build writes, and the only one it reads.
    public static let currentSchemaVersion: UInt32 = 1
    /// The largest envelope we decode; sockets set MAXMSGSIZE a little above it.
    public static let maximumFrameBytes = 16 * 1024 * 1024

    /// Wraps `payload` for sending; `messageID` is the idempotency key of the fact it carries.
    public init(
        wrapping payload: some BusPayload, messageID: String, producer: String,
        traceparent: TraceParent = .random(), correlationID: String = "", createdAt: Date = Date()
    ) throws {
        try Self.validate(messageID: messageID)
        self.init()
        self.messageID = messageID
        self.type = Swift.type(of: payload).messageType
        self.schemaVersion = Self.currentSchemaVersion
        self.producer = producer
        self.createdAt = Google_Protobuf_Timestamp(date: createdAt)
        self.traceparent = traceparent.description
        self.correlationID = correlationID
        self.payload = try payload.serializedData()
    }

    /// Decodes and checks one frame: a valid envelope, a known schema version, a well-formed message id, a known
    /// type. Unknown fields are kept, so a message forwarded by an older service loses nothing.
    public init(frame: [UInt8]) throws(SchemaError) {
        guard frame.count <= Self.maximumFrameBytes else {
            throw SchemaError(.messageTooLarge, "envelope of \(frame.count) bytes exceeds \(Self.maximumFrameBytes)")
        }
        do {
            try self.init(serializedBytes: frame)
        } catch {
            throw SchemaError(.malformedEnvelope, "the frame is not a protobuf iblagh.v1.Envelope")
        }
        guard schemaVersion == Self.currentSchemaVersion else {
            throw SchemaError(
                .unsupportedSchemaVersion,
                "schema version \(schemaVersion) is not supported (this service reads \(Self.currentSchemaVersion))")
        }
        do {
            try Self.validate(messageID: messageID)
        } catch {
            throw SchemaError(.malformedEnvelope, error.reason)
        }
        guard type.payloadType != nil else {
            throw SchemaError(.unknownMessageType, "message type \(type.rawValue) is unknown")
        }
    }

    /// The payload, decoded as `P`; throws when the envelope carries another type or the bytes do not decode.
    public func payload<P: BusPayload>(as _: P.Type) throws(SchemaError) -> P {
        guard type == P.messageType else {
            throw SchemaError(.unknownMessageType, "expected \(P.messageType) but the envelope carries \(type)")
        }
        do {
            return try P(serializedBytes: payload)
        } catch {
            throw SchemaError(.malformedPayload, "the payload is not a valid \(P.protoMessageName)")
        }
    }

    /// The frame to send.
    public var frame: [UInt8] {
        // Serializing a message we built cannot fail: every field is set through the generated API.
        (try? serializedBytes()) ?? []
    }

    /// A message id is 1 to 128 printable ASCII characters.
    public static func validate(messageID: String) throws(SchemaError) {
        let bytes = messageID.utf8
        guard !bytes.isEmpty, bytes.count <= 128, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SchemaError(.malformedEnvelope, "message_id must be 1 to 128 printable ASCII characters without spaces")
        }
    }
}
