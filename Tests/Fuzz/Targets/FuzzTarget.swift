import Foundation
import IblaghSchemas
import Jurisdiction
import ReportValidation
import SwiftProtobuf
import WebForms

/// The code that reads what strangers send, fed arbitrary bytes: by libFuzzer through `iblagh-fuzz` (built with
/// `-sanitize=fuzzer,address`, see `Tests/Fuzz/fuzz.sh`), and over each committed corpus by the tests, so an input that
/// once crashed stays a test. A body returns normally for any input; a broken property stops it with `preconditionFailure`,
/// which the fuzzer reports as a crash and saves the input of.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A bus frame: `Iblagh_V1_Envelope(frame:)` and the payload it names.
    case envelope
    /// Each message type's decoder: the first byte picks the type, the rest is its bytes.
    case messages
    /// A report as an integrator sends it on the bus, through the validator.
    case report
    /// A `POST /v1/reports` body, through the JSON reader and the validator.
    case reportJSON = "report-json"
    /// A place of residence, through the name normaliser and the matcher.
    case place
    /// The citizen's web form as a browser posts it: the first byte picks URL-encoded (even) or multipart (odd, with
    /// ``FuzzTarget/formBoundary``), the rest is the body.
    case form

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .envelope: Self.envelope(bytes)
        case .messages: Self.messages(bytes)
        case .report: Self.report(bytes)
        case .reportJSON: Self.reportJSON(bytes)
        case .place: Self.place(bytes)
        case .form: Self.form(bytes)
        }
    }

    // MARK: Bodies

    private static func envelope(_ bytes: [UInt8]) {
        guard let envelope = try? Iblagh_V1_Envelope(frame: bytes) else { return }
        // What was accepted once is accepted again from its own encoding, unchanged.
        guard let again = try? Iblagh_V1_Envelope(frame: envelope.frame) else {
            preconditionFailure("an accepted envelope's own frame is refused")
        }
        check(again == envelope, "an envelope changed through its frame")
        if let type = envelope.type.payloadType { _ = try? decodePayload(of: envelope, as: type) }
    }

    private static func messages(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let types = messageTypes
        let type = types[Int(first) % types.count]
        guard let payload = try? type.init(serializedBytes: Array(bytes.dropFirst())) else { return }
        roundTrip(payload)
    }

    private static func report(_ bytes: [UInt8]) {
        guard let submission = try? Iblagh_V1_SubmitReport(serializedBytes: bytes) else { return }
        let violations = validator.violations(of: submission, now: fixedNow)
        checkWellFormed(violations)
        // The verdict depends on the fields, not on how they were encoded.
        if let reencoded = try? Iblagh_V1_SubmitReport(serializedBytes: submission.serializedBytes() as [UInt8]) {
            check(validator.violations(of: reencoded, now: fixedNow) == violations, "a re-encoded report got another verdict")
        }
    }

    private static func reportJSON(_ bytes: [UInt8]) {
        switch ReportJSON.decode(bytes) {
        case .success(let report):
            checkWellFormed(validator.violations(of: report, now: fixedNow))
        case .failure(let violations):
            check(!violations.list.isEmpty, "a body was refused without a reason")
            checkWellFormed(violations.list)
        }
    }

    private static func place(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let normalised = PlaceName.normalise(text)
        check(PlaceName.normalise(normalised) == normalised, "normalising a normalised name changed it")
        switch matcher.match(text) {
        case .province(let code, _):
            check(table.province(code: code) != nil, "the matcher named a province that does not exist")
        case .ambiguous(let codes):
            check(codes.count >= 2 && codes == codes.sorted(), "an ambiguous match must list two or more codes, sorted")
            check(codes.allSatisfy { table.province(code: $0) != nil }, "an ambiguous match named a province that does not exist")
        case .unknown:
            break
        }
    }

    public static let formBoundary = "iblagh-fuzz-boundary"

    private static func form(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let multipart = first % 2 == 1
        let contentType = multipart ? "multipart/form-data; boundary=\(formBoundary)" : "application/x-www-form-urlencoded"
        guard let parsed = try? FormBody(contentType: contentType, body: Array(bytes.dropFirst())) else { return }
        // What was read is read again, the same, from the form a browser would send of it.
        guard let encoded = multipart ? multipartBody(of: parsed) : urlEncodedBody(of: parsed) else { return }
        guard let again = try? FormBody(contentType: contentType, body: encoded) else {
            preconditionFailure("a form's own encoding is refused")
        }
        check(again == parsed, "a form changed through its encoding")
    }

    /// Every byte but the unreserved ones percent-encoded.
    private static func urlEncodedBody(of form: FormBody) -> [UInt8] {
        func encode(_ text: String) -> String {
            text.utf8.map { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "-._~".utf8.contains(byte)
                    ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
            }.joined()
        }
        return Array(form.fields.sorted { $0.key < $1.key }.flatMap { name, values in values.map { "\(encode(name))=\(encode($0))" } }
            .joined(separator: "&").utf8)
    }

    /// The parts a browser would send; nil when a name, value or file cannot be written so (a quote, a `;` or a line
    /// break in a name, a value holding the delimiter, an empty media type, a name with spaces around it).
    private static func multipartBody(of form: FormBody) -> [UInt8]? {
        let delimiter = Array("\r\n--\(formBoundary)".utf8)
        func plain(_ name: String) -> Bool {
            !name.contains(where: { "\";\r\n".contains($0) }) && name.trimmingCharacters(in: .whitespaces) == name
        }
        func holdsDelimiter(_ bytes: [UInt8]) -> Bool {
            bytes.count >= delimiter.count && (0...(bytes.count - delimiter.count)).contains { bytes[$0..<($0 + delimiter.count)].elementsEqual(delimiter) }
        }
        var body: [UInt8] = []
        func part(_ headers: String, _ content: [UInt8]) {
            body += Array("--\(formBoundary)\r\n\(headers)\r\n\r\n".utf8) + content + Array("\r\n".utf8)
        }
        for (name, values) in form.fields.sorted(by: { $0.key < $1.key }) {
            guard plain(name) else { return nil }
            for value in values {
                guard !holdsDelimiter(Array(value.utf8) + Array("\r\n".utf8)) else { return nil }
                part("Content-Disposition: form-data; name=\"\(name)\"", Array(value.utf8))
            }
        }
        for file in form.files {
            guard plain(file.field), plain(file.fileName), !file.mediaType.isEmpty, plain(file.mediaType), !file.mediaType.contains(":"),
                  !holdsDelimiter(file.content + Array("\r\n".utf8))
            else { return nil }
            part("Content-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.fileName)\"\r\nContent-Type: \(file.mediaType)", file.content)
        }
        return body + Array("--\(formBoundary)--\r\n".utf8)
    }

    // MARK: Properties

    private static func roundTrip(_ payload: some SwiftProtobuf.Message) {
        guard let bytes: [UInt8] = try? payload.serializedBytes() else {
            preconditionFailure("a decoded \(type(of: payload)) cannot be encoded")
        }
        guard let again = try? type(of: payload).init(serializedBytes: bytes) else {
            preconditionFailure("a \(type(of: payload)) does not decode from its own encoding")
        }
        check(again.isEqualTo(message: payload), "a \(type(of: payload)) changed through its encoding")
    }

    private static func decodePayload<P: BusPayload>(of envelope: Iblagh_V1_Envelope, as _: P.Type) throws -> P {
        let payload = try envelope.payload(as: P.self)
        roundTrip(payload)
        return payload
    }

    /// Every violation names a field (or the whole body, ""), a code and a reason a person reads.
    private static func checkWellFormed(_ violations: [Iblagh_V1_FieldViolation]) {
        for violation in violations {
            check(!violation.code.isEmpty && !violation.reason.isEmpty, "a violation without a code or a reason")
            check(violation.field.utf8.count <= 128, "a violation's field path is not bounded")
        }
    }

    private static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { preconditionFailure(message()) }
    }

    // MARK: Fixtures, built once

    private static let messageTypes: [any BusPayload.Type] = Iblagh_V1_MessageType.allCases.compactMap(\.payloadType)

    /// The first byte that makes `messages` decode the rest as `type`.
    static func messageTypeIndex(_ type: Iblagh_V1_MessageType) -> Int? {
        Iblagh_V1_MessageType.allCases.filter { $0.payloadType != nil }.firstIndex(of: type)
    }
    private static let validator = ReportValidator()
    private static let fixedNow = Date(timeIntervalSince1970: 1_785_000_000)
    private static let table: TerritoryTable = {
        do {
            return try TerritoryTable.load(file: referenceFile)
        } catch {
            fatalError("the fuzz targets need the reference data: \(error)")
        }
    }()
    private static let matcher = PlaceMatcher(table: table)

    /// `deploy/reference/morocco-territory.json` of this checkout.
    static let referenceFile = URL(fileURLWithPath: #filePath)
        .appendingPathComponent("../../../../deploy/reference/morocco-territory.json").standardized.path
}
