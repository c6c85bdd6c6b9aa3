/// Statistical disclosure control for public outputs: a count from 1 to `threshold - 1` is suppressed, and so is
/// any figure from which a suppressed count could be recomputed — when only one line of a breakdown is suppressed,
/// the total minus the others would give it away, so the next smallest line is suppressed too (and the total when
/// it alone would reveal the suppressed lines). Shares, changes and persons go with their count.
public enum Suppression {
    public static func isSmall(_ count: Int, threshold: Int) -> Bool { count > 0 && count < threshold }

    static func apply(to lines: inout [AnnualReport.Line], total: inout Int?, persons: inout Int?, threshold: Int, previous: [String: Int]) {
        var suppressed = Set(lines.indices.filter { isSmall(lines[$0].cases ?? 0, threshold: threshold) })
        // Complementary suppression: never exactly one hidden line beside a published total.
        if suppressed.count == 1, let next = lines.indices.filter({ !suppressed.contains($0) && (lines[$0].cases ?? 0) > 0 })
            .min(by: { (lines[$0].cases ?? 0) < (lines[$1].cases ?? 0) }) {
            suppressed.insert(next)
        }
        if suppressed.count == 1 { total = nil }  // nothing else to hide it behind: hide the total
        if let value = total, isSmall(value, threshold: threshold) { total = nil }
        var personsSuppressed = Set(lines.indices.filter { isSmall(lines[$0].personsProsecuted ?? 0, threshold: threshold) }).union(suppressed)
        if personsSuppressed.count == 1, let next = lines.indices.filter({ !personsSuppressed.contains($0) && (lines[$0].personsProsecuted ?? 0) > 0 })
            .min(by: { (lines[$0].personsProsecuted ?? 0) < (lines[$1].personsProsecuted ?? 0) }) {
            personsSuppressed.insert(next)
        }
        if personsSuppressed.count == 1 { persons = nil }
        if let value = persons, isSmall(value, threshold: threshold) { persons = nil }
        for index in lines.indices {
            if suppressed.contains(index) {
                lines[index].cases = nil
                lines[index].sharePercent = nil
                lines[index].changePercent = nil
            }
            if personsSuppressed.contains(index) { lines[index].personsProsecuted = nil }
            // A change computed from a suppressed count of the year before would reveal it.
            if isSmall(previous[lines[index].name] ?? 0, threshold: threshold) { lines[index].changePercent = nil }
        }
    }
}
