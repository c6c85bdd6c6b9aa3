import Foundation
import HTTPTypes
import Hummingbird

/// One page of the citizen's web in its language: the layout (quick exit, navigation, language switch, footer)
/// around a body, with the headers every page carries — a strict Content Security Policy (this site's own script and
/// style only, nothing from elsewhere), no caching, no referrer.
struct WebPage {
    let language: WebLanguage
    let title: String
    /// The body, already HTML (built with ``HTML/escape(_:)`` for every value).
    let body: String
    /// This page's path without the language (`/report`), for the language switch.
    let path: String
    var statisticsURL: String?

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Where the quick exit goes: an ordinary page anyone might be reading.
    static let quickExitURL = "https://www.bbc.com/weather"

    var html: String {
        let t = language.html
        let prefix = "/\(language.rawValue)"
        let switcher = WebLanguage.allCases.map { other in
            other == language
                ? "<li><span aria-current=\"true\" lang=\"\(other.rawValue)\">\(HTML.escape(other.name))</span></li>"
                : "<li><a lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\" href=\"/\(other.rawValue)\(HTML.escape(path))\">\(HTML.escape(other.name))</a></li>"
        }.joined()
        let statistics = statisticsURL.map { "<li><a href=\"\(HTML.escape($0))?lang=\(language.rawValue)\">\(t(.navStatistics))</a></li>" } ?? ""
        return """
            <!doctype html>
            <html lang="\(language.rawValue)" dir="\(language.isRightToLeft ? "rtl" : "ltr")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="same-origin">
            <title>\(HTML.escape(title)) — \(t(.siteName))</title>
            <link rel="stylesheet" href="/static/iblagh.css">
            <script src="/static/iblagh.js" defer></script>
            </head>
            <body>
            <a class="skip" href="#main">\(t(.skipToContent))</a>
            <header>
            <a class="exit" id="quick-exit" href="\(Self.quickExitURL)" rel="noreferrer" title="\(t(.quickExitHint))">\(t(.quickExit))</a>
            <p class="brand"><a href="\(prefix)/">\(t(.siteName))</a> <span>\(t(.tagline))</span></p>
            <nav aria-label="\(t(.siteName))"><ul>
            <li><a href="\(prefix)/report">\(t(.navReport))</a></li>
            <li><a href="\(prefix)/follow">\(t(.navFollow))</a></li>
            <li><a href="\(prefix)/learn">\(t(.navLearn))</a></li>
            \(statistics)
            </ul></nav>
            <nav aria-label="\(t(.languageLabel))" class="languages"><ul>\(switcher)</ul></nav>
            </header>
            <main id="main" tabindex="-1">
            \(body)
            </main>
            <footer><p>\(t(.footerPrivacy))</p></footer>
            </body>
            </html>

            """
    }

    /// The page as a response, with the security headers; `cookie` sets the form token.
    func response(status: HTTPResponse.Status = .ok, cookie: String? = nil) -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentLanguage] = language.rawValue
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static var securityHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        // same-origin: nothing about this site reaches another (not even through the quick exit), while this site's own
        // form posts keep their Origin header, which the cross-site check reads.
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        headers[.cacheControl] = "no-store"
        return headers
    }
}

/// HTML text: every value that goes into a page passes through ``escape(_:)``.
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
