import Foundation
import Hexadecimal
import HTTPTypes
import Hummingbird
import IblaghCrypto
import IblaghSchemas
import ReportValidation
import WebForms

/// The citizen's web, served by intake beside the JSON API: the report form (works without JavaScript; with it,
/// the upload shows its progress), the thank-you page with the tracking id and secret, "follow my report", and the
/// awareness pages — in Arabic (right to left), French, English and Spanish, under `/ar/…`, `/fr/…`, `/en/…`, `/es/…`.
///
/// Safety: no personal data in a URL (forms post their fields), a form token in an HttpOnly, SameSite=Strict cookie
/// that the form must echo, and a cross-site POST refused outright; every page has a strict CSP and no cache.
struct CitizenWeb: Sendable {
    static let tokenCookie = "iblagh_form"

    let intake: ReportIntake
    let vault: EvidenceVault
    let evidence: EvidencePolicy
    let submissions: RateLimiter
    let lookups: RateLimiter
    let pace: BodyPace
    var statisticsURL: String?
    /// The largest form body: the report's fields and one evidence file.
    var maximumBodyBytes: Int { evidence.maximumFileBytes + 256 * 1024 }

    func add(to router: Router<IntakeRequestContext>) {
        WebAssets.add(to: router)
        router.get("/") { request, _ in
            let language = WebLanguage.preferred(request.headers[.acceptLanguage])
            return Response(status: .seeOther, headers: [.location: "/\(language.rawValue)/", .cacheControl: "no-store"])
        }
        router.get("/{language}") { request, context in try page(context) { language in home(language) } }
        router.get("/{language}/report") { request, context in
            try page(context) { language in try reportForm(language, ReportForm(), notice: nil) }
        }
        router.post("/{language}/report") { request, context in
            let language = try self.language(context)
            return try await submit(request, context, language)
        }
        router.get("/{language}/follow") { request, context in
            try page(context) { language in try followForm(language, found: nil, notFound: false) }
        }
        router.post("/{language}/follow") { request, context in
            let language = try self.language(context)
            return try await follow(request, context, language)
        }
        router.get("/{language}/learn") { request, context in try page(context) { language in learnIndex(language) } }
        router.get("/{language}/learn/{category}") { request, context in
            try page(context) { language in
                guard let name = context.parameters.get("category"), let category = Iblagh_V1_ReportCategory(shortName: name),
                    Iblagh_V1_ReportCategory.offered.contains(category)
                else { throw HTTPError(.notFound) }
                return learn(language, category)
            }
        }
    }

    // MARK: Pages

    private func language(_ context: IntakeRequestContext) throws -> WebLanguage {
        guard let code = context.parameters.get("language"), let language = WebLanguage(rawValue: code) else { throw HTTPError(.notFound) }
        return language
    }

    private func page(_ context: IntakeRequestContext, _ build: (WebLanguage) throws -> Response) throws -> Response {
        try build(try language(context))
    }

    private func home(_ language: WebLanguage) -> Response {
        let t = language.html, prefix = "/\(language.rawValue)"
        let body = """
            <h1>\(t(.tagline))</h1>
            <p>\(t(.homeIntro))</p>
            <p class="urgent">\(t(.homeEmergency))</p>
            <p><a class="button" href="\(prefix)/report">\(t(.homeStart))</a></p>
            <p><a href="\(prefix)/follow">\(t(.navFollow))</a> · <a href="\(prefix)/learn">\(t(.navLearn))</a></p>
            """
        return WebPage(language: language, title: language.plain(.siteName), body: body, path: "/", statisticsURL: statisticsURL).response()
    }

    /// The form with a fresh token (cookie and hidden field).
    private func reportForm(
        _ language: WebLanguage, _ form: ReportForm, notice: WebText?, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let token = Self.newToken()
        let body = form.html(language: language, token: token, maximumFileMiB: evidence.maximumFileBytes / 1024 / 1024, notice: notice)
        let title = language.plain(.formTitle)
        return WebPage(language: language, title: title, body: body, path: "/report", statisticsURL: statisticsURL)
            .response(status: status, cookie: Self.cookie(token))
    }

    private func submit(_ request: Request, _ context: IntakeRequestContext, _ language: WebLanguage) async throws -> Response {
        if let refusal = crossSite(request, language) { return refusal }
        if let wait = submissions.take(context.client) { return tooManyRequests(language, wait: wait) }
        let bytes: ByteBuffer
        do {
            bytes = try await pace.collect(request, upTo: maximumBodyBytes)
        } catch BodyPace.Failure.tooSlow {
            return try reportForm(language, ReportForm(), notice: .errorFormExpired, status: .requestTimeout)
        } catch {
            var form = ReportForm()
            form.errors["evidence"] = .errorFile
            return try reportForm(language, form, notice: nil, status: .contentTooLarge)
        }
        let body: FormBody
        do {
            body = try FormBody(contentType: request.headers[.contentType] ?? "", body: Array(buffer: bytes))
        } catch .unsupportedType {
            return try reportForm(language, ReportForm(), notice: .errorFormExpired, status: .unsupportedMediaType)
        } catch {
            return try reportForm(language, ReportForm(), notice: .errorFormExpired, status: .badRequest)
        }
        var form = ReportForm(body)
        // The token: the cookie set with the form must come back in the form. Same-site but expired → show it again.
        guard let token = body["form_token"], Self.cookieToken(request) == token else {
            return try reportForm(language, form, notice: .errorFormExpired, status: .forbidden)
        }
        let report = form.report(language: language)
        form.place(intake.validator.violations(of: report))
        if form.dateIsMalformed { form.errors["occurred_at"] = .errorInvalid }
        // The file is checked and sealed before anything is stored, so a refused file stores nothing at all.
        var sealed: SealedEvidence?
        if let file = body.files.first(where: { $0.field == "evidence" }) {
            let problems = evidence.problems(fileName: file.fileName, mediaType: file.mediaType, firstBytes: Array(file.content.prefix(16)), size: file.content.count)
            if problems.isEmpty {
                sealed = try vault.seal(file.content, fileName: file.fileName, mediaType: file.mediaType)
            } else {
                form.errors["evidence"] = .errorFile
            }
        }
        guard form.errors.isEmpty else { return try reportForm(language, form, notice: nil, status: .unprocessableContent) }

        let acceptance: Acceptance
        do {
            let key = try intake.ledger.webKey(token: token, report: report)
            acceptance = try await intake.accept(Submission(report: report, client: "web", clientKey: key, channel: .webForm))
        } catch {
            // Nothing was committed (a full disk, a failing store): the person keeps what they wrote and is told to retry.
            return try reportForm(language, form, notice: .errorTryLater, status: .serviceUnavailable)
        }
        var evidenceStored = false
        if let sealed, !acceptance.duplicate {
            evidenceStored = (try? await intake.ledger.attach(sealed, to: acceptance.trackingID)) != nil
        }
        return done(language, acceptance, evidenceStored: evidenceStored)
    }

    private func done(_ language: WebLanguage, _ acceptance: Acceptance, evidenceStored: Bool) -> Response {
        let t = language.html
        let body = """
            <h1 id="done">\(t(.doneTitle))</h1>
            <dl>
            <dt>\(t(.doneTrackingID))</dt><dd><span class="receipt" id="tracking-id">\(HTML.escape(acceptance.trackingID))</span></dd>
            <dt>\(t(.doneSecret))</dt><dd><span class="receipt" id="receipt-secret">\(HTML.escape(acceptance.receiptSecret))</span></dd>
            </dl>
            <p class="urgent">\(t(.doneKeep))</p>
            \(evidenceStored ? "<p class=\"notice\">\(t(.doneEvidence))</p>" : "")
            <p>\(t(.doneNext))</p>
            <p><a href="/\(language.rawValue)/follow">\(t(.navFollow))</a></p>
            """
        // A new token: the form left in the history cannot send a second, different report under this one's key.
        return WebPage(language: language, title: language.plain(.doneTitle), body: body, path: "/report", statisticsURL: statisticsURL)
            .response(status: .created, cookie: Self.cookie(Self.newToken()))
    }

    private func followForm(_ language: WebLanguage, found: CaseStatus?, notFound: Bool, status: HTTPResponse.Status = .ok) throws -> Response {
        let t = language.html, token = Self.newToken()
        var body = "<h1>\(t(.followTitle))</h1>"
        if let found {
            let format = DateFormatter()
            format.locale = Locale(identifier: "\(language.rawValue)_MA")
            format.dateStyle = .medium
            format.timeStyle = .short
            format.timeZone = TimeZone(identifier: "Africa/Casablanca")
            let steps = found.steps.map { step in
                "<li><strong>\(WebText.step(step.step).map(t) ?? HTML.escape(step.step))</strong> — <time datetime=\"\(ISO8601DateFormatter().string(from: step.at))\">\(HTML.escape(format.string(from: step.at)))</time></li>"
            }.joined()
            body += "<h2>\(t(.followTimeline))</h2><p><span class=\"receipt\">\(HTML.escape(found.trackingID))</span></p><ol class=\"timeline\" id=\"timeline\">\(steps)</ol>"
            if found.reportersInBundle > 1 {
                body += "<p class=\"notice\">\(t(.followReporters).replacingOccurrences(of: "%@", with: "\(found.reportersInBundle)"))</p>"
            }
        } else {
            if notFound { body += "<p class=\"summary\" role=\"alert\" id=\"not-found\">\(t(.followNotFound))</p>" }
            body += """
                <p>\(t(.followIntro))</p>
                <form method="post" action="/\(language.rawValue)/follow">
                <input type="hidden" name="form_token" value="\(token)">
                <label for="tracking_id">\(t(.fieldTrackingID))</label>
                <input type="text" id="tracking_id" name="tracking_id" dir="ltr" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="40">
                <label for="secret">\(t(.fieldSecret))</label>
                <input type="text" id="secret" name="secret" dir="ltr" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="40">
                <button type="submit">\(t(.followSubmit))</button>
                </form>
                """
        }
        return WebPage(language: language, title: language.plain(.followTitle), body: body, path: "/follow", statisticsURL: statisticsURL)
            .response(status: status, cookie: Self.cookie(token))
    }

    /// Tracking id and secret arrive in the body, never in the URL. An unknown id and a wrong secret get the same
    /// answer; lookups are rate limited per client.
    private func follow(_ request: Request, _ context: IntakeRequestContext, _ language: WebLanguage) async throws -> Response {
        if let refusal = crossSite(request, language) { return refusal }
        if let wait = lookups.take(context.client) { return tooManyRequests(language, wait: wait) }
        guard let bytes = try? await pace.collect(request, upTo: 4096),
            let body = try? FormBody(contentType: request.headers[.contentType] ?? "", body: Array(buffer: bytes)),
            let token = body["form_token"], Self.cookieToken(request) == token
        else { return try followForm(language, found: nil, notFound: false, status: .forbidden) }
        let trackingID = (body["tracking_id"] ?? "").uppercased(), secret = (body["secret"] ?? "").uppercased()
        guard ReceiptCode.isTrackingID(trackingID), let found = try await intake.ledger.status(trackingID: trackingID, secret: secret) else {
            return try followForm(language, found: nil, notFound: true, status: .notFound)
        }
        return try followForm(language, found: found, notFound: false)
    }

    private func learnIndex(_ language: WebLanguage) -> Response {
        let t = language.html
        let items = Iblagh_V1_ReportCategory.offered.compactMap { category in
            category.words(language).map { words in
                "<li><a href=\"/\(language.rawValue)/learn/\(category.shortName)\">\(HTML.escape(words.name))</a><p class=\"hint\">\(HTML.escape(words.summary))</p></li>"
            }
        }.joined()
        let body = "<h1>\(t(.learnTitle))</h1><p>\(t(.learnIntro))</p><ul>\(items)</ul>"
        return WebPage(language: language, title: language.plain(.learnTitle), body: body, path: "/learn", statisticsURL: statisticsURL).response()
    }

    private func learn(_ language: WebLanguage, _ category: Iblagh_V1_ReportCategory) -> Response {
        let t = language.html
        let words = category.words(language) ?? CategoryWords(name: category.shortName, summary: "", signs: "", protect: "")
        let body = """
            <h1>\(HTML.escape(words.name))</h1>
            <p>\(HTML.escape(words.summary))</p>
            <h2>\(t(.learnSigns))</h2><p>\(HTML.escape(words.signs))</p>
            <h2>\(t(.learnProtect))</h2><p>\(HTML.escape(words.protect))</p>
            <p class="urgent">\(t(.homeEmergency))</p>
            <p><a href="/\(language.rawValue)/report">\(t(.learnReportThis))</a></p>
            """
        return WebPage(language: language, title: words.name, body: body, path: "/learn/\(category.shortName)", statisticsURL: statisticsURL).response()
    }

    // MARK: Safety

    /// A POST from another site: its `Origin` is not this host, or the browser says so in `Sec-Fetch-Site`. An
    /// `Origin` of `null` (sent by some browsers for privacy) proves nothing either way: the form token decides.
    private func crossSite(_ request: Request, _ language: WebLanguage) -> Response? {
        let fetchSite = request.headers[HTTPField.Name("Sec-Fetch-Site")!]
        let origin = request.headers[.origin].flatMap { $0 == "null" ? nil : $0 }
        let host = request.head.authority ?? ""
        let sameOrigin = origin.map { $0 == "http://\(host)" || $0 == "https://\(host)" } ?? true
        let refused = !sameOrigin || (fetchSite.map { !["same-origin", "none"].contains($0) } ?? false)
        guard refused else { return nil }
        let t = language.html
        let body = "<h1>\(t(.forbiddenTitle))</h1><p>\(t(.forbiddenText))</p><p><a href=\"/\(language.rawValue)/report\">\(t(.navReport))</a></p>"
        return WebPage(language: language, title: language.plain(.forbiddenTitle), body: body, path: "/", statisticsURL: statisticsURL)
            .response(status: .forbidden)
    }

    private func tooManyRequests(_ language: WebLanguage, wait: Int) -> Response {
        let t = language.html
        var response = WebPage(language: language, title: language.plain(.errorTooManyRequests),
                               body: "<p class=\"summary\" role=\"alert\">\(t(.errorTooManyRequests))</p>", path: "/", statisticsURL: statisticsURL)
            .response(status: .tooManyRequests)
        response.headers[.retryAfter] = "\(wait)"
        return response
    }

    static func newToken() -> String {
        Hex.string(SecureRandom.bytes(24))
    }

    static func cookie(_ token: String) -> String {
        "\(tokenCookie)=\(token); Path=/; HttpOnly; SameSite=Strict"
    }

    static func cookieToken(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == tokenCookie { return String(parts[1]) }
            }
        }
        return nil
    }
}
