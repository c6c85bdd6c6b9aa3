import Foundation
import IblaghSchemas
@testable import Intake
import Testing
import TestSupport

/// The citizen's web as a browser without JavaScript sees it: real HTTP against a real intake process.
@Suite("The citizen's web: report, follow, learn — in four languages")
struct CitizenWebTests {
    /// A page and what a browser keeps from it: the form token (hidden field) and the cookie that must match it.
    struct Page {
        let status: Int
        let headers: [String: String]
        let html: String
        var token: String? { Self.capture(#"name="form_token" value="([0-9a-f]+)""#, in: html) }
        var cookie: String? { headers["set-cookie"]?.split(separator: ";").first.map(String.init) }

        static func capture(_ pattern: String, in text: String) -> String? {
            guard let expression = try? NSRegularExpression(pattern: pattern),
                let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                let range = Range(match.range(at: 1), in: text)
            else { return nil }
            return String(text[range])
        }
    }

    static func get(_ intake: IntakeFixture, _ path: String) async throws -> Page {
        let answer = try await intake.http("GET", path)
        return Page(status: answer.status, headers: answer.headers, html: String(decoding: answer.body, as: UTF8.self))
    }

    static func post(_ intake: IntakeFixture, _ path: String, _ fields: [(String, String)], cookie: String?, headers: [String: String] = [:]) async throws -> Page {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        var all = headers
        all["Content-Type"] = "application/x-www-form-urlencoded"
        if let cookie { all["Cookie"] = cookie }
        let answer = try await intake.http("POST", path, body: Array(body.utf8), headers: all)
        return Page(status: answer.status, headers: answer.headers, html: String(decoding: answer.body, as: UTF8.self))
    }

    static func postMultipart(
        _ intake: IntakeFixture, _ path: String, _ fields: [(String, String)], file: (name: String, type: String, content: [UInt8])?, cookie: String?
    ) async throws -> Page {
        let boundary = "----iblagh\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.content + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = ["Content-Type": "multipart/form-data; boundary=\(boundary)"]
        if let cookie { headers["Cookie"] = cookie }
        let answer = try await intake.http("POST", path, body: body, headers: headers)
        return Page(status: answer.status, headers: answer.headers, html: String(decoding: answer.body, as: UTF8.self))
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("harmless test image".utf8)

    @Test("every language has every sentence and every category's words, with the same placeholders")
    func catalogueIsComplete() {
        for language in WebLanguage.allCases {
            let catalogue = WebText.catalogue(language)
            for key in WebText.allCases {
                let value = catalogue[key] ?? ""
                #expect(!value.isEmpty, "\(language.rawValue): \(key) is missing")
                #expect(value.contains("%@") == (WebText.english[key] ?? "").contains("%@"), "\(language.rawValue): \(key) has not the placeholder English has")
            }
            for category in Iblagh_V1_ReportCategory.offered {
                let words = category.words(language)
                #expect(words.map { !$0.name.isEmpty && !$0.summary.isEmpty && !$0.signs.isEmpty && !$0.protect.isEmpty } == true,
                        "\(language.rawValue): \(category.shortName) lacks words")
            }
        }
    }

    @Test("every page in every language: right to left in Arabic, a strict CSP, nothing from another site, no inline script or style")
    func pages() async throws {
        let intake = try await IntakeFixture()
        for language in WebLanguage.allCases {
            for path in ["/", "/report", "/follow", "/learn", "/learn/sextortion", "/learn/fraud"] {
                let page = try await Self.get(intake, "/\(language.rawValue)\(path)")
                #expect(page.status == 200, "\(language.rawValue)\(path)")
                #expect(page.html.contains("<html lang=\"\(language.rawValue)\" dir=\"\(language == .arabic ? "rtl" : "ltr")\">"))
                #expect(page.headers["content-security-policy"]?.hasPrefix("default-src 'none'; script-src 'self'; style-src 'self'") == true)
                #expect(page.headers["cache-control"] == "no-store" && page.headers["referrer-policy"] == "same-origin")
                #expect(!page.html.contains("src=\"http") && !page.html.contains("<script>") && !page.html.contains("style="))
                #expect(page.html.contains(HTML.escape(WebText.catalogue(language)[.quickExit]!)))
            }
        }
        // Every form control is labelled for a screen reader: a <label for> its id, or an aria-label.
        for language in WebLanguage.allCases {
            for path in ["/report", "/follow"] {
                let html = try await Self.get(intake, "/\(language.rawValue)\(path)").html
                let controls = try NSRegularExpression(pattern: #"<(input|select|textarea)\b([^>]*)>"#)
                for match in controls.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                    let attributes = String(html[Range(match.range(at: 2), in: html)!])
                    if attributes.contains("type=\"hidden\"") { continue }
                    let id = Page.capture(#"id="([^"]+)""#, in: attributes)
                    let labelled = attributes.contains("aria-label=") || id.map { html.contains("<label for=\"\($0)\"") } == true
                    #expect(labelled, "\(language.rawValue)\(path): a control without a label: \(attributes)")
                }
            }
        }
        let arabicForm = try await Self.get(intake, "/ar/report")
        #expect(arabicForm.html.contains("الابتزاز بصور أو فيديوهات حميمة") && arabicForm.html.contains("dir=\"rtl\""))
        #expect(arabicForm.token != nil && arabicForm.cookie == "iblagh_form=\(arabicForm.token ?? "")")
        #expect(arabicForm.headers["set-cookie"]?.contains("HttpOnly") == true && arabicForm.headers["set-cookie"]?.contains("SameSite=Strict") == true)
        #expect(try await Self.get(intake, "/xx/report").status == 404)
        #expect(try await Self.get(intake, "/fr/learn/nothing").status == 404)
    }

    @Test("without JavaScript: a form with mistakes comes back with an error under each field, in French, and nothing is stored")
    func errorsWithoutJavaScript() async throws {
        let intake = try await IntakeFixture()
        let form = try await Self.get(intake, "/fr/report")
        let page = try await Self.post(intake, "/fr/report", [
            ("form_token", form.token ?? ""), ("category", "sextortion"), ("description", ""), ("residence", ""),
            ("occurred_at", "2999-01-01"), ("email", "not-an-address"), ("account_kind", "url"), ("account_value", ""),
        ], cookie: form.cookie)
        #expect(page.status == 422)
        #expect(page.html.contains("id=\"description-error\">Ce champ est nécessaire.</p>"))
        #expect(page.html.contains("id=\"residence-error\">Ce champ est nécessaire.</p>"))
        #expect(page.html.contains("id=\"occurred_at-error\">Cette date est dans le futur.</p>"))
        #expect(page.html.contains("id=\"email-error\">Ce n&#39;est pas dans la forme attendue.</p>"))
        #expect(page.html.contains("Certains champs demandent votre attention"))
        #expect(page.html.contains("value=\"not-an-address\""), "what was typed is kept")
        #expect(page.html.contains("value=\"sextortion\" aria-describedby=\"category-sextortion-hint\" checked"))
        #expect(try await intake.count("intake_report") == 0)
    }

    @Test("a report with a file, in Arabic: the tracking id and secret are shown once, the file is sealed, and they follow the report")
    func reportAndFollow() async throws {
        let intake = try await IntakeFixture()
        let form = try await Self.get(intake, "/ar/report")
        let fields = [
            ("form_token", form.token ?? ""), ("category", "sextortion"), ("description", "يهددني شخص بنشر صوري"),
            ("residence", "القنيطرة"), ("account_kind", "social_media_account"), ("account_value", "@extorter_test"),
            ("account_kind", "url"), ("account_value", ""), ("phone", "+212600000001"), ("preferred_language", "ar"),
        ]
        let done = try await Self.postMultipart(intake, "/ar/report", fields, file: ("capture.png", "image/png", Self.png), cookie: form.cookie)
        #expect(done.status == 201, "\(done.html)")
        let trackingID = try #require(Page.capture(#"id="tracking-id">([^<]+)<"#, in: done.html))
        let secret = try #require(Page.capture(#"id="receipt-secret">([^<]+)<"#, in: done.html))
        #expect(done.html.contains("تم استلام ملفك وتشفيره."))
        #expect(done.cookie != form.cookie, "the token is replaced after a report")
        #expect(try await intake.count("intake_report") == 1)
        #expect(try await intake.query("SELECT channel FROM intake_report").first?.integer("channel") == Int64(Iblagh_V1_Channel.webForm.rawValue))
        #expect(try await intake.count("intake_evidence") == 1)
        // The same form sent again (a double click): the same report, not a second one.
        let again = try await Self.postMultipart(intake, "/ar/report", fields, file: ("capture.png", "image/png", Self.png), cookie: form.cookie)
        #expect(Page.capture(#"id="tracking-id">([^<]+)<"#, in: again.html) == trackingID)
        #expect(try await intake.count("intake_report") == 1)
        // The same form changed and sent again: a report of its own, never taken for the first one and dropped.
        let changed = try await Self.postMultipart(intake, "/ar/report", fields.map { $0.0 == "description" ? ($0.0, $0.1 + " مرة أخرى") : $0 }, file: nil, cookie: form.cookie)
        #expect(changed.status == 201)
        #expect(Page.capture(#"id="tracking-id">([^<]+)<"#, in: changed.html).map { $0 != trackingID } == true)
        #expect(try await intake.count("intake_report") == 2)

        let follow = try await Self.get(intake, "/ar/follow")
        let found = try await Self.post(intake, "/ar/follow", [("form_token", follow.token ?? ""), ("tracking_id", trackingID), ("secret", secret)], cookie: follow.cookie)
        #expect(found.status == 200 && found.html.contains("id=\"timeline\"") && found.html.contains("تم الاستلام"))
        // A wrong secret and an unknown id get the same answer.
        let wrong = try await Self.post(intake, "/ar/follow", [("form_token", follow.token ?? ""), ("tracking_id", trackingID), ("secret", "AAAAA-BBBBB-CCCCC-DDDDD")], cookie: follow.cookie)
        let unknown = try await Self.post(intake, "/ar/follow", [("form_token", follow.token ?? ""), ("tracking_id", "IBL-2026-0000000000AA"), ("secret", "AAAAA-BBBBB-CCCCC-DDDDD")], cookie: follow.cookie)
        func withoutToken(_ page: Page) -> String { page.html.replacingOccurrences(of: page.token ?? "-", with: "") }
        #expect(wrong.status == 404 && unknown.status == 404)
        #expect(withoutToken(wrong) == withoutToken(unknown) && wrong.html.contains("id=\"not-found\""))
        // Nothing personal in the logs.
        let log = try String(contentsOfFile: intake.logPath, encoding: .utf8)
        #expect(!log.contains("extorter_test") && !log.contains("600000001") && !log.contains(secret))
    }

    @Test("a forbidden file type stores nothing, not even the report")
    func refusedFile() async throws {
        let intake = try await IntakeFixture()
        let form = try await Self.get(intake, "/en/report")
        let page = try await Self.postMultipart(intake, "/en/report", [
            ("form_token", form.token ?? ""), ("category", "fraud"), ("description", "A fake shop took my money."), ("residence", "Casablanca"),
        ], file: ("tool.exe", "application/x-msdownload", Array("MZ not really".utf8)), cookie: form.cookie)
        #expect(page.status == 422 && page.html.contains("id=\"evidence-error\">This file was not accepted"))
        #expect(try await intake.count("intake_report") == 0)
    }

    @Test("CSRF: a cross-site POST is refused, so is a form whose token does not match its cookie; nothing is stored")
    func crossSiteRefused() async throws {
        let intake = try await IntakeFixture()
        let form = try await Self.get(intake, "/en/report")
        let fields = [("form_token", form.token ?? ""), ("category", "fraud"), ("description", "A fake shop."), ("residence", "Rabat")]
        let fromElsewhere = try await Self.post(intake, "/en/report", fields, cookie: form.cookie, headers: ["Origin": "http://evil.example"])
        #expect(fromElsewhere.status == 403 && fromElsewhere.html.contains("This request was refused"))
        let fetchSite = try await Self.post(intake, "/en/report", fields, cookie: form.cookie, headers: ["Sec-Fetch-Site": "cross-site"])
        #expect(fetchSite.status == 403)
        let noCookie = try await Self.post(intake, "/en/report", fields, cookie: nil)
        #expect(noCookie.status == 403 && noCookie.html.contains("This form has expired"))
        let otherCookie = try await Self.post(intake, "/en/report", fields, cookie: "iblagh_form=0123")
        #expect(otherCookie.status == 403)
        // `Origin: null` proves nothing: without the matching cookie it is refused too.
        #expect(try await Self.post(intake, "/en/report", fields, cookie: nil, headers: ["Origin": "null"]).status == 403)
        let followFromElsewhere = try await Self.post(intake, "/en/follow", [("form_token", "x")], cookie: nil, headers: ["Origin": "https://evil.example"])
        #expect(followFromElsewhere.status == 403)
        #expect(try await intake.count("intake_report") == 0)
        // The same form from this site goes through.
        let sameSite = try await Self.post(intake, "/en/report", fields, cookie: form.cookie, headers: ["Origin": intake.baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")), "Sec-Fetch-Site": "same-origin"])
        #expect(sameSite.status == 201, "\(sameSite.html)")
    }

    @Test("follow my report is rate limited per client, with the same answer in the page's language")
    func followRateLimited() async throws {
        let intake = try await IntakeFixture(extra: ["statusLimit": ["perMinute": 2]])
        let follow = try await Self.get(intake, "/es/follow")
        var statuses: [Int] = []
        for _ in 0..<8 {
            let page = try await Self.post(intake, "/es/follow", [("form_token", follow.token ?? ""), ("tracking_id", "IBL-2026-0000000000AA"), ("secret", "X")], cookie: follow.cookie)
            statuses.append(page.status)
            if page.status == 429 { #expect(page.html.contains("Demasiados intentos") && page.headers["retry-after"] != nil) }
        }
        #expect(statuses.contains(429) && statuses.first == 404, "\(statuses)")
    }
}
