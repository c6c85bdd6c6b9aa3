import Foundation

/// The language a browser asks for (`Accept-Language: fr-MA,fr;q=0.9,ar;q=0.8`), among the ones a page offers:
/// the highest quality wins, the first listed among equals; nil when none is offered.
public enum AcceptLanguage {
    public static func preferred(_ header: String?, among offered: [String]) -> String? {
        let ranked = (header ?? "").split(separator: ",").compactMap { item -> (String, Double)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = parts.first?.split(separator: "-").first.map(String.init), offered.contains(tag) else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }
        return ranked.max { $0.1 < $1.1 }?.0
    }
}
