import IblaghSchemas

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

    var report: Iblagh_V1_Language {
        switch self {
        case .arabic: .arabic
        case .french: .french
        case .english: .english
        case .spanish: .spanish
        }
    }

    /// The language a browser asks for first among ours (`Accept-Language: fr-MA,fr;q=0.9,ar;q=0.8`), else Arabic.
    static func preferred(_ acceptLanguage: String?) -> WebLanguage {
        let ranked = (acceptLanguage ?? "").split(separator: ",").compactMap { item -> (WebLanguage, Double)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = parts.first?.split(separator: "-").first, let language = WebLanguage(rawValue: String(tag)) else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality)
        }
        return ranked.max { $0.1 < $1.1 }?.0 ?? .arabic
    }
}
