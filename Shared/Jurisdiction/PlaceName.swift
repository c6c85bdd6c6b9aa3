import Foundation

/// Place names reduced to a comparable form: lower case, no accents, Arabic without vowel marks or tatweel and
/// with its letter variants unified (أ إ آ → ا, ة → ه, ى → ي), punctuation and hyphens as spaces, administrative
/// words dropped ("province de", "préfecture", "إقليم", "عمالة", "مدينة"...).
public enum PlaceName {
    static let noise: Set<String> = [
        "province", "prefecture", "de", "d", "du", "la", "le", "l", "ville", "city", "of", "region", "wilaya", "commune",
        "maroc", "morocco", "ma", "اقليم", "عماله", "مدينه", "جهه", "المغرب", "ولايه", "جماعه",
    ]

    public static func normalise(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        // Decompose so accents are separate marks, then drop every combining mark (Latin accents, Arabic harakat).
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
            switch scalar.value {
            case 0x0640: continue  // tatweel
            case 0x0622, 0x0623, 0x0625, 0x0671: scalars.append("\u{0627}")  // alef forms
            case 0x0629: scalars.append("\u{0647}")  // teh marbuta -> heh
            case 0x0649: scalars.append("\u{064A}")  // alef maksura -> yeh
            case 0x06AF: scalars.append("\u{0643}")  // gaf (Maghrebi "g") -> kaf: أگادير / أكادير
            default:
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    scalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
                } else {
                    scalars.append(" ")
                }
            }
        }
        return String(scalars).split(separator: " ").filter { !noise.contains(String($0)) }.joined(separator: " ")
    }

    /// The edit distance between two normalised names (insertions, deletions, substitutions), stopping early once
    /// it exceeds `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        distance(Array(a), Array(b), limit: limit)
    }

    public static func distance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            var best = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                best = min(best, current[j])
            }
            if best > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
