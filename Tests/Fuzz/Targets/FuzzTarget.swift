import Foundation
import IblaghSchemas
import Jurisdiction
import ReportValidation
import SwiftProtobuf

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

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .envelope: Self.envelope(bytes)
        case .messages: Self.messages(bytes)
        case .report: Self.report(bytes)
        case .reportJSON: Self.reportJSON(bytes)
        case .place: Self.place(bytes)
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
