import Foundation
import HTTPTypes
import Hummingbird
import IblaghSchemas

/// An RFC 9457 problem: `application/problem+json` with a type, a title, the status, a detail for a person and, for
/// an invalid report, one entry per field. Never echoes a submitted value.
struct ProblemDetails: Encodable, Sendable {
    struct FieldProblem: Encodable, Sendable {
        let field: String
        let code: String
        let reason: String
    }

    let type: String
    let title: String
    let status: Int
    let detail: String
    var violations: [FieldProblem]? = nil
    /// Seconds a client should wait (sent as `Retry-After`, not in the body).
    var retryAfter: Int? = nil

    enum CodingKeys: String, CodingKey { case type, title, status, detail, violations }

    init(_ status: HTTPResponse.Status, _ code: String, title: String, detail: String, violations: [Iblagh_V1_FieldViolation]? = nil) {
        self.type = "urn:iblagh:problem:\(code)"
        self.title = title
        self.status = status.code
        self.detail = detail
        self.violations = violations?.map { FieldProblem(field: $0.field, code: $0.code, reason: $0.reason) }
    }

    static func invalidReport(_ violations: [Iblagh_V1_FieldViolation]) -> ProblemDetails {
        ProblemDetails(.unprocessableContent, "invalid-report", title: "The report is not valid",
                       detail: "\(violations.count) field(s) need attention; nothing was stored.", violations: violations)
    }

    var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        // Sorted keys: equal problems are equal bytes (an unknown id and a wrong secret must look the same).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(self)) ?? Data()
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A problem as a thrown error, so handlers can stop anywhere with one.
struct ProblemError: Error, HTTPResponseError {
    let problem: ProblemDetails
    init(_ problem: ProblemDetails) { self.problem = problem }

    var status: HTTPResponse.Status { HTTPResponse.Status(code: problem.status) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        problem.response
    }
}
