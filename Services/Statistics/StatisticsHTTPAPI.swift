import CLibCrypto
import Foundation
import HTTPTypes
import Hummingbird
import IblaghSchemas
import IblaghStore
import ServiceBootstrap
import Statistics

/// The reports over HTTP: `/v1/reports/annual`, `/v1/reports/funnel`, `/v1/reports/times` (`?year=`, `&format=json|csv|html`
/// for the annual report, `&category=`/`&region=` for the funnel), `/` (this year's page; `?lang=ar|fr|en|es`, else the
/// browser's language), probes and metrics.
/// Public by default; `?internal=1` with the operator key in `Iblagh-Operator-Key` gives the unsuppressed figures.
struct StatisticsHTTPAPI: Sendable {
    static let operatorHeader = HTTPField.Name("Iblagh-Operator-Key")!
    let store: any Store
    let threshold: Int
    let operatorKey: [UInt8]?
    /// What keeps the service from its work, for `/readyz` (``Probes/readiness(store:consumers:)``).
    let problems: @Sendable () async -> [String]

    func router() -> Router<BasicRequestContext> {
        let router = Probes.router(problems: problems)
        router.get("/") { request, _ in try await annual(request, format: "html") }
        router.get("/static/statistics.css") { _, _ in
            var response = respond(Array(ReportRendering.css.utf8), type: "text/css; charset=utf-8")
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
        router.get("/v1/reports/annual") { request, _ in try await annual(request, format: request.uri.queryParameters.get("format") ?? "json") }
        router.get("/v1/reports/funnel") { request, _ -> Response in
            let (year, limit) = try parameters(request)
            let category = request.uri.queryParameters.get("category"), region = request.uri.queryParameters.get("region")
            if let category, Iblagh_V1_ReportCategory.shortNames[category] == nil {
                throw HTTPError(.badRequest, message: "category is one of \(Iblagh_V1_ReportCategory.shortNames.keys.sorted().joined(separator: ", "))")
            }
            let funnel = try await store.read { try Funnel.compute(year: year, category: category, region: region, threshold: limit, in: $0) }
            return try respond(ReportRendering.json(funnel), type: "application/json")
        }
        router.get("/v1/openapi.json") { _, _ in APIDescriptions.response(APIDescriptions.statistics) }
        router.get("/v1/reports/times") { request, _ -> Response in
            let (year, limit) = try parameters(request)
            let figures = try await store.read { try TimeFigures.compute(year: year, threshold: limit, in: $0) }
            return try respond(ReportRendering.json(figures), type: "application/json")
        }
        return router
    }

    private func annual(_ request: Request, format: String) async throws -> Response {
        let (year, limit) = try parameters(request)
        let asked = try request.uri.queryParameters.get("lang").map { code in
            guard let text = StatisticsPageText.language(code) else {
                throw HTTPError(.badRequest, message: "lang is one of \(StatisticsPageText.all.map(\.code).sorted().joined(separator: ", "))")
            }
            return text
        }
        let report = try await store.read { try AnnualReport.compute(year: year, threshold: limit, in: $0) }
        switch format {
        case "json": return try respond(ReportRendering.json(report), type: "application/json")
        case "csv": return respond(Array(ReportRendering.csv(report).utf8), type: "text/csv; charset=utf-8")
        case "html":
            let funnel = try await store.read { try Funnel.compute(year: year, category: nil, region: nil, threshold: limit, in: $0) }
            // `?lang=`, else the browser's first language among the four, else Arabic.
            let codes = StatisticsPageText.all.map(\.code)
            let text = asked
                ?? StatisticsPageText.language(AcceptLanguage.preferred(request.headers[.acceptLanguage], among: codes)) ?? .arabic
            var response = respond(Array(ReportRendering.html(report, funnel: funnel, text: text, standalone: false).utf8), type: "text/html; charset=utf-8")
            response.headers[.contentLanguage] = text.code
            return response
        default: throw HTTPError(.badRequest, message: "format is json, csv or html")
        }
    }

    /// The year (default: this one, in UTC like the counts) and the suppression threshold (nil for an authorised internal request).
    private func parameters(_ request: Request) throws -> (Int, Int?) {
        let thisYear = UTCYear(containing: Date()).number
        let text = request.uri.queryParameters.get("year")
        guard let year = text.map({ Int($0) }) ?? thisYear, (1990...2200).contains(year) else {
            throw HTTPError(.badRequest, message: "year must be a year such as 2023")
        }
        switch request.uri.queryParameters.get("internal") {
        case nil: return (year, threshold)
        case "1": break
        default: throw HTTPError(.badRequest, message: "internal is 1 (with the operator key) or absent")
        }
        guard let expected = operatorKey, let given = request.headers[Self.operatorHeader].map({ Array($0.utf8) }), given.count == expected.count,
            given.withUnsafeBytes({ a in expected.withUnsafeBytes { CRYPTO_memcmp(a.baseAddress, $0.baseAddress, a.count) } }) == 0
        else { throw HTTPError(.forbidden, message: "the internal report needs the operator key") }
        return (year, nil)
    }

    private func respond(_ body: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
