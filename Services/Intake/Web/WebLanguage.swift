import IblaghSchemas
import ServiceBootstrap

/// The languages of the citizen's web: each page's path starts with one (`/ar/report`), so a page never depends
/// on a cookie or a guess, and a shared link opens in the language it was shared in.
enum WebLanguage: String, CaseIterable, Sendable {
    case arabic = "ar", french = "fr", english = "en", spanish = "es"

    /// Its own name, shown in the language switch.
    var name: String {
        switch self {
        case .arabic: "العربية"
        case .french: "Français"
        case .english: "English"
        case .spanish: "Español"
        }
    }

    var isRightToLeft: Bool { self == .arabic }

    /// `key`'s sentence in this language, as plain text (for a title, where the page escapes it).
    func plain(_ key: WebText) -> String { WebText.catalogue(self)[key] ?? "" }

    /// `key`'s sentence in this language, escaped for HTML.
    func html(_ key: WebText) -> String { HTML.escape(plain(key)) }

    var report: Iblagh_V1_Language {
        switch self {
        case .arabic: .arabic
        case .french: .french
        case .english: .english
        case .spanish: .spanish
        }
    }

    /// The language a browser asks for first among ours, else Arabic.
    static func preferred(_ acceptLanguage: String?) -> WebLanguage {
        AcceptLanguage.preferred(acceptLanguage, among: allCases.map(\.rawValue)).flatMap(WebLanguage.init(rawValue:)) ?? .arabic
    }
}
