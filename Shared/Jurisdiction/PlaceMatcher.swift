/// Finds the prefecture or province a free-text place of residence names, tolerant of accents, case, Arabic or
/// Latin script and small misspellings — and never guessing: text that fits two provinces equally is `ambiguous`.
public struct PlaceMatcher: Sendable {
    public enum How: String, Sendable, Codable {
        /// The province's own French or Arabic name.
        case name
        /// A city or common spelling listed for it.
        case alias
        /// Within one or two letters of a name or alias.
        case spelling
        /// A name or alias appears as whole words in a longer text ("Hay Riad, Rabat").
        case contained
        /// The text is the beginning of one name only ("Fquih").
        case prefix
    }

    public enum Match: Sendable, Equatable {
        case province(code: String, how: How)
        /// Several provinces fit as well as each other (their codes, sorted).
        case ambiguous([String])
        case unknown
    }

    /// Normalised name → the provinces it names, and whether it is a province's own name.
    private let index: [String: (codes: Set<String>, own: Bool)]
    /// The same names as characters, for the edit distance.
    private let spellings: [(key: [Character], codes: Set<String>)]

    public init(table: TerritoryTable) {
        var index: [String: (codes: Set<String>, own: Bool)] = [:]
        func add(_ text: String, _ code: String, own: Bool) {
            let key = PlaceName.normalise(text)
            guard !key.isEmpty else { return }
            // "القنيطره" is also written without the article.
            let keys = key.hasPrefix("ال") && key.count > 4 ? [key, String(key.dropFirst(2))] : [key]
            for key in keys {
                index[key, default: ([], false)].codes.insert(code)
                if own { index[key]?.own = true }
            }
        }
        for (_, province) in table.provinces {
            add(province.nameFR, province.code, own: true)
            add(province.nameAR, province.code, own: true)
            for alias in province.aliases { add(alias, province.code, own: false) }
        }
        self.index = index
        self.spellings = index.map { (Array($0.key), $0.value.codes) }
    }

    public func match(_ text: String) -> Match {
        let query = PlaceName.normalise(text)
        guard !query.isEmpty else { return .unknown }
        if let exact = index[query] {
            return decide(exact.codes, how: exact.own ? .name : .alias)
        }
        // Whole-word containment: every known name found inside the text, looked up by its runs of 1 to 4 words.
        let words = query.split(separator: " ")
        var contained = Set<String>()
        for start in words.indices {
            for end in start..<min(words.count, start + 4) {
                if let entry = index[words[start...end].joined(separator: " ")] { contained.formUnion(entry.codes) }
            }
        }
        if !contained.isEmpty { return decide(contained, how: .contained) }
        // Spelling: the nearest names within a tolerance that grows with the length.
        let limit = query.count >= 8 ? 2 : query.count >= 4 ? 1 : 0
        if limit > 0 {
            let characters = Array(query)
            var best = limit + 1
            var codes = Set<String>()
            for (key, entry) in spellings where abs(key.count - characters.count) <= limit {
                let distance = PlaceName.distance(characters, key, limit: limit)
                if distance < best {
                    best = distance
                    codes = entry
                } else if distance == best {
                    codes.formUnion(entry)
                }
            }
            if best <= limit { return decide(codes, how: .spelling) }
        }
        // The beginning of names: one province is a match, several are ambiguous.
        if query.count >= 3 {
            let prefixed = index.filter { $0.key.hasPrefix(query + " ") || ($0.key.hasPrefix(query) && query.count >= 5) }
            if !prefixed.isEmpty {
                return decide(prefixed.values.reduce(into: Set<String>()) { $0.formUnion($1.codes) }, how: .prefix)
            }
        }
        return .unknown
    }

    private func decide(_ codes: Set<String>, how: How) -> Match {
        codes.count == 1 ? .province(code: codes.first!, how: how) : .ambiguous(codes.sorted())
    }
}
