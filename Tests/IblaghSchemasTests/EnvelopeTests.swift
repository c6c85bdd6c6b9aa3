import Foundation
import FuzzTargets
import IblaghSchemas
import SwiftProtobuf
import Testing

@Suite("Message schemas and the envelope")
struct EnvelopeTests {
    @Test("every message type has a sample, and the samples cover every type of this version")
    func samplesCoverEveryType() {
        let known = Iblagh_V1_MessageType.allCases.filter { $0.payloadType != nil }
        #expect(Set(known) == Set(SampleMessages.all.keys))
    }

    @Test("every message type round-trips through an envelope frame", arguments: Array(SampleMessages.all.keys).sorted { $0.rawValue < $1.rawValue })
    func roundTrip(type: Iblagh_V1_MessageType) throws {
        let payload = try #require(SampleMessages.all[type])
        let envelope = try Iblagh_V1_Envelope(wrapping: payload, messageID: "msg-\(type.rawValue)", producer: "intake-1", correlationID: "req-1")
        let decoded = try Iblagh_V1_Envelope(frame: envelope.frame)
        #expect(decoded == envelope)
        #expect(decoded.type == type)
        #expect(decoded.schemaVersion == 1)
        #expect(TraceParent(decoded.traceparent) != nil)
        #expect(try reopen(decoded, like: payload))
    }

    @Test("a field unknown to this version survives decode and encode, in the envelope and in the payload")
    func unknownFieldsSurvive() throws {
        // A newer producer added field 99 (a string) to ReportAccepted and field 50 (a varint) to the envelope.
        let futureField: [UInt8] = [0x9A, 0x06, 0x05] + Array("hello".utf8)  // tag (99 << 3 | 2), length 5
        var payloadBytes: [UInt8] = try SampleMessages.all[.reportAccepted]!.serializedBytes()
        payloadBytes += futureField
        var envelope = Iblagh_V1_Envelope()
        envelope.messageID = "m-1"
        envelope.type = .reportAccepted
        envelope.schemaVersion = 1
        envelope.payload = Data(payloadBytes)
        let envelopeField: [UInt8] = [0x90, 0x03, 0x2A]  // tag (50 << 3 | 0), value 42
        let frame: [UInt8] = try envelope.serializedBytes() + envelopeField

        // An older service decodes, handles and forwards it.
        let decoded = try Iblagh_V1_Envelope(frame: frame)
        let accepted = try decoded.payload(as: Iblagh_V1_ReportAccepted.self)
        #expect(accepted.trackingID == "IBL-2026-7K3Q9XWD")
        let forwardedPayload: [UInt8] = try accepted.serializedBytes()
        let forwardedFrame = decoded.frame
        #expect(forwardedPayload.suffix(futureField.count).elementsEqual(futureField))
        #expect(forwardedFrame.suffix(envelopeField.count).elementsEqual(envelopeField))
    }

    @Test("frames that are not valid envelopes are refused with the code the sender gets back")
    func malformedFramesAreRefused() throws {
        expectRefusal(.malformedEnvelope) { [0xFF, 0xFF, 0xFF] }
        expectRefusal(.unsupportedSchemaVersion) {
            var envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ErrorReply(), messageID: "m", producer: "p")
            envelope.schemaVersion = 2
            return envelope.frame
        }
        expectRefusal(.unknownMessageType) {
            var envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ErrorReply(), messageID: "m", producer: "p")
            envelope.type = .UNRECOGNIZED(77)
            return envelope.frame
        }
        expectRefusal(.malformedEnvelope) {
            var envelope = try Iblagh_V1_Envelope(wrapping: Iblagh_V1_ErrorReply(), messageID: "m", producer: "p")
            envelope.messageID = "has spaces in it"
            return envelope.frame
        }
        expectRefusal(.messageTooLarge) { [UInt8](repeating: 0, count: Iblagh_V1_Envelope.maximumFrameBytes + 1) }
    }

    @Test("a payload of the wrong type or of bad bytes is refused, not misread")
    func payloadMismatchIsRefused() throws {
        let fact = try #require(SampleMessages.all[.caseFact] as? Iblagh_V1_CaseFact)
        var envelope = try Iblagh_V1_Envelope(wrapping: fact, messageID: "m", producer: "tracker-1")
        #expect(throws: SchemaError(.unknownMessageType, "expected submitReport but the envelope carries caseFact")) {
            try envelope.payload(as: Iblagh_V1_SubmitReport.self)
        }
        envelope.payload = Data([0x0A, 0xFF])  // a length-delimited field longer than the bytes left
        #expect(throws: SchemaError.self) { try envelope.payload(as: Iblagh_V1_CaseFact.self) }
    }

    @Test("traceparent text round-trips, and malformed or all-zero values are rejected")
    func traceparent() {
        let text = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        #expect(TraceParent(text)?.description == text)
        #expect(TraceParent(text)?.sampled == true)
        let unsampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
        #expect(TraceParent(unsampled)?.description == unsampled && TraceParent(unsampled)?.sampled == false)
        let id = MessageID.unique()
        #expect(id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        #expect(TraceParent("00-00000000000000000000000000000000-00f067aa0ba902b7-01") == nil)
        #expect(TraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == nil)
        #expect(TraceParent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01") == nil)
        let traces = (0..<10_000).map { _ in TraceParent.random() }
        #expect(Set(traces.map(\.traceID)).count == 10_000)  // every message starts a trace of its own
        #expect(traces.allSatisfy { TraceParent($0.description) == $0 })
        let parent = TraceParent.random()
        #expect(parent.child().traceID == parent.traceID)
        #expect(parent.child().parentID != parent.parentID)
    }

    /// Decodes the envelope's payload as the type of `original` and compares.
    private func reopen<P: BusPayload>(_ envelope: Iblagh_V1_Envelope, like original: P) throws -> Bool {
        try envelope.payload(as: P.self).isEqualTo(message: original)
    }

    private func expectRefusal(_ code: Iblagh_V1_ErrorCode, _ frame: () throws -> [UInt8]) {
        do {
            _ = try Iblagh_V1_Envelope(frame: try frame())
            Issue.record("accepted a frame that should be refused with \(code)")
        } catch let error as SchemaError {
            #expect(error.code == code)
            #expect(!error.reason.isEmpty)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("message ids for replies are 32 hex digits and never repeat")
    func uniqueMessageIDs() {
        let ids = (0..<100_000).map { _ in MessageID.unique() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }
}
