import Foundation
import HTTPTypes
import Hummingbird
import IblaghSchemas
import IblaghStore
import ReportValidation
import ServiceBootstrap

/// The JSON API (and the probes): `POST /v1/reports`, `GET /v1/reports/{tracking}` with the receipt secret in the
/// `Iblagh-Receipt-Secret` header, `POST /v1/reports/{tracking}/evidence`, `/healthz`, `/readyz`, `/metrics`.
/// Errors are RFC 9457 problems. Nothing personal goes in a URL, a log line or a metric.
struct IntakeHTTPAPI: Sendable {
    static let receiptHeader = HTTPField.Name("Iblagh-Receipt-Secret")!
    static let fileNameHeader = HTTPField.Name("Iblagh-File-Name")!
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    let intake: ReportIntake
    let vault: EvidenceVault
    let limits: Limits
    let submissions: RateLimiter
    let lookups: RateLimiter
    /// What keeps intake from its work, for `/readyz` (``Probes/readiness(store:consumers:)``).
    let problems: @Sendable () async -> [String]

    /// Request limits of the HTTP API.
    struct Limits: Sendable {
        var reportBodyBytes = 64 * 1024
        var evidence = EvidencePolicy()
        var pace = BodyPace()
    }

    func router() -> Router<IntakeRequestContext> {
        let router = Probes.router(context: IntakeRequestContext.self, problems: problems)
        router.post("/v1/reports") { request, context in try await submit(request, context) }
        router.get("/v1/reports/{tracking}") { request, context in try await status(request, context) }
        router.get("/v1/openapi.json") { _, _ in APIDescriptions.response(APIDescriptions.intake) }
        router.post("/v1/reports/{tracking}/evidence") { request, context in try await upload(request, context) }
        return router
    }

    private func submit(_ request: Request, _ context: IntakeRequestContext) async throws -> Response {
        try limit(submissions, context)
        try requireContentType(request, "application/json")
        let body: ByteBuffer
        do {
            body = try await limits.pace.collect(request, upTo: limits.reportBodyBytes)
        } catch BodyPace.Failure.tooSlow {
            throw ProblemError(Self.tooSlow)
        } catch {
            throw ProblemError(ProblemDetails(.contentTooLarge, "too-large", title: "Request too large", detail: "A report body may have at most \(limits.reportBodyBytes / 1024) KiB; upload evidence separately."))
        }
        let key = request.headers[Self.idempotencyHeader]
        if let key, key.isEmpty || key.count > 128 || !key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            throw ProblemError(.invalidReport([ReportJSON.violation("Idempotency-Key", "invalid", "Use 1 to 128 printable ASCII characters without spaces.")]))
        }
        let report: Iblagh_V1_Report
        switch ReportJSON.decode(Array(buffer: body)) {
        case .success(let decoded): report = decoded
        case .failure(let shape):
            // What else is wrong in the fields that could be read, too: one answer names everything to mend.
            let named = Set(shape.list.map(\.field))
            let others = shape.partial.map { intake.validator.violations(of: $0).filter { !named.contains($0.field) } } ?? []
            throw ProblemError(.invalidReport(shape.list + others))
        }
        let violations = intake.validator.violations(of: report)
        guard violations.isEmpty else {
            _ = Iblagh_V1_SubmitReportReply.rejected(violations, channel: .httpApi)
            throw ProblemError(.invalidReport(violations))
        }
        let acceptance: Acceptance
        do {
            acceptance = try await Self.storing { try await intake.accept(Submission(report: report, client: "http", clientKey: key, channel: .httpApi)) }
        } catch is ClientKeyReused {
            throw ProblemError(.invalidReport([ClientKeyReused.violation(field: "Idempotency-Key")]))
        }
        let reply = AcceptedBody(trackingID: acceptance.trackingID, receiptSecret: acceptance.receiptSecret, duplicate: acceptance.duplicate)
        return try json(reply, status: acceptance.duplicate ? .ok : .created)
    }

    private func status(_ request: Request, _ context: IntakeRequestContext) async throws -> Response {
        try limit(lookups, context)
        let trackingID = try context.parameters.require("tracking")
        guard ReceiptCode.isTrackingID(trackingID), let secret = request.headers[Self.receiptHeader],
            let status = try await intake.ledger.status(trackingID: trackingID, secret: secret)
        else { throw ProblemError(Self.notFound) }
        return try json(status, status: .ok)
    }

    private func upload(_ request: Request, _ context: IntakeRequestContext) async throws -> Response {
        try limit(submissions, context)
        let trackingID = try context.parameters.require("tracking")
        guard ReceiptCode.isTrackingID(trackingID), let secret = request.headers[Self.receiptHeader],
            try await intake.ledger.verify(trackingID: trackingID, secret: secret)
        else { throw ProblemError(Self.notFound) }
        let mediaType = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let fileName = request.headers[Self.fileNameHeader].flatMap { $0.removingPercentEncoding } ?? ""
        let policy = limits.evidence
        if let problem = policy.problems(fileName: fileName, mediaType: mediaType, firstBytes: [], size: nil).first {
            throw ProblemError(Self.evidenceProblem(problem, policy: policy))
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > policy.maximumFileBytes {
            throw ProblemError(Self.evidenceProblem(.init(field: "content", code: "too_large", reason: ""), policy: policy))
        }
        // Hash and seal as the bytes arrive; stop at the cap. Nothing is stored until the whole file is in.
        var upload = try vault.upload(fileName: fileName, mediaType: mediaType)
        do {
            try await limits.pace.read(request.body, limit: policy.maximumFileBytes) { try upload.append($0.readableBytesView) }
        } catch BodyPace.Failure.tooLarge {
            throw ProblemError(Self.evidenceProblem(.init(field: "content", code: "too_large", reason: ""), policy: policy))
        } catch BodyPace.Failure.tooSlow {
            throw ProblemError(Self.tooSlow)
        }
        if let problem = policy.problems(fileName: fileName, mediaType: mediaType, firstBytes: upload.head, size: upload.size).first {
            throw ProblemError(Self.evidenceProblem(problem, policy: policy))
        }
        let sealed = try upload.finish()
        let sha256: String
        do {
            sha256 = try await Self.storing { try await intake.ledger.attach(sealed, to: trackingID) }
        } catch let error as EvidenceError {
            throw ProblemError(ProblemDetails(.conflict, "too-many-files", title: "Too many files", detail: error.description))
        }
        return try json(EvidenceReceipt(sha256: sha256, size: sealed.size), status: .created)
    }

    static let tooSlow = ProblemDetails(
        .requestTimeout, "too-slow", title: "The request body came too slowly",
        detail: "The body arrived slower than the server accepts; nothing was stored. Send it again on a better connection.")

    /// Runs a write; a full disk becomes 503 with advice to retry (the transaction was rolled back: nothing stored).
    static func storing<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch where StoreError.isOutOfSpace(error) {
            var problem = ProblemDetails(
                .serviceUnavailable, "storage-full", title: "Cannot store reports just now",
                detail: "Nothing was stored. Please try again in a few minutes; a retry with the same Idempotency-Key is safe.")
            problem.retryAfter = 60
            throw ProblemError(problem)
        }
    }

    static let notFound = ProblemDetails(.notFound, "not-found", title: "No such report", detail: "No report matches this tracking id and receipt secret.")

    static func evidenceProblem(_ problem: EvidencePolicy.Problem, policy: EvidencePolicy) -> ProblemDetails {
        switch problem.code {
        case "too_large":
            ProblemDetails(.contentTooLarge, "too-large", title: "File too large", detail: "A file may have at most \(policy.maximumFileBytes / 1024 / 1024) MiB; nothing was stored.")
        case "forbidden_type":
            ProblemDetails(.unsupportedMediaType, "forbidden-type", title: "File type not accepted", detail: problem.reason)
        default:
            ProblemDetails(.unprocessableContent, "invalid-evidence", title: "The file is not acceptable", detail: problem.reason,
                           violations: [ReportJSON.violation(problem.field, problem.code, problem.reason)])
        }
    }

    private func limit(_ limiter: RateLimiter, _ context: IntakeRequestContext) throws {
        if let wait = limiter.take(context.client) {
            var problem = ProblemDetails(.tooManyRequests, "rate-limited", title: "Too many requests", detail: "Try again in \(wait) seconds.")
            problem.retryAfter = wait
            throw ProblemError(problem)
        }
    }

    private func requireContentType(_ request: Request, _ expected: String) throws {
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == expected else {
            throw ProblemError(ProblemDetails(.unsupportedMediaType, "unsupported-media-type", title: "Unsupported media type", detail: "Send the report as \(expected)."))
        }
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// The answer to an accepted report.
struct AcceptedBody: Codable, Sendable {
    let trackingID: String
    let receiptSecret: String
    let duplicate: Bool

    enum CodingKeys: String, CodingKey {
        case trackingID = "tracking_id", receiptSecret = "receipt_secret", duplicate
    }
}

/// The answer to an uploaded file: its hash as received (the reporter can check it) and size.
struct EvidenceReceipt: Codable, Sendable {
    let sha256: String
    let size: Int
}
