import Foundation

/// The reports as JSON, CSV and an HTML page with charts drawn as inline SVG (no external assets, no scripts).
public enum ReportRendering {
    public static func json(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return [UInt8](try encoder.encode(value))
    }

    /// One row per line: `section,name,cases,persons_prosecuted,share_percent,change_percent`; suppressed figures empty.
    public static func csv(_ report: AnnualReport) -> String {
        var lines = ["section,name,cases,persons_prosecuted,share_percent,change_percent"]
        func field(_ value: (some CustomStringConvertible)?) -> String { value.map { "\($0)" } ?? "" }
        func quoted(_ text: String) -> String { text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text }
        lines.append("total,all,\(field(report.totalCases)),\(field(report.totalPersonsProsecuted)),,")
        for (section, rows) in [("category", report.byCategory), ("region", report.byRegion), ("office", report.byOffice)] {
            for row in rows {
                lines.append([section, quoted(row.name), field(row.cases), field(row.personsProsecuted), field(row.sharePercent), field(row.changePercent)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A page a person would rather look at than read: bar charts of cases per category and per region, the funnel,
    /// then the tables. Suppressed figures show as "<n".
    public static func html(_ report: AnnualReport, funnel: Funnel) -> String {
        let threshold = report.suppressionThreshold
        func shown(_ value: Int?) -> String { value.map(String.init) ?? (threshold.map { "&lt;\($0)" } ?? "–") }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "–" }
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Iblagh — online crime reports \(report.year)</title>
            <style>body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
            table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:right}
            td:first-child,th:first-child{text-align:left}svg text{font-size:12px;fill:#1b1b1b}</style></head><body>
            <h1>Online crime reports, \(report.year)</h1>
            <p>\(shown(report.totalCases)) cases registered; \(shown(report.totalPersonsProsecuted)) persons prosecuted.
            \(threshold.map { "Counts below \($0) are not shown, nor any figure from which one could be worked out." } ?? "Internal report: no suppression.")
            Shares and changes are percentages rounded to one decimal.</p>

            """
        page += "<h2>Cases by category</h2>\n" + bars(report.byCategory.map { ($0.name.replacingOccurrences(of: "_", with: " "), $0.cases) })
        page += "<h2>Cases by region</h2>\n" + bars(report.byRegion.map { ("region \($0.name)", $0.cases) })
        page += "<h2>From report to conviction</h2>\n" + bars(funnel.stages.map { ($0.stage.replacingOccurrences(of: "_", with: " "), $0.count) })
        for (title, rows) in [("By category", report.byCategory), ("By region", report.byRegion), ("By prosecution office", report.byOffice)] {
            page += "<h2>\(title)</h2>\n<table><tr><th>\(title.dropFirst(3))</th><th>cases</th><th>persons prosecuted</th><th>share</th><th>change</th></tr>\n"
            for row in rows {
                page += "<tr><td>\(escape(row.name))</td><td>\(shown(row.cases))</td><td>\(shown(row.personsProsecuted))</td><td>\(percent(row.sharePercent))</td><td>\(percent(row.changePercent))</td></tr>\n"
            }
            page += "</table>\n"
        }
        return page + "</body></html>\n"
    }

    /// A horizontal bar chart; a suppressed value is drawn as an empty outline.
    static func bars(_ values: [(String, Int?)]) -> String {
        let largest = max(1, values.compactMap(\.1).max() ?? 1)
        let rowHeight = 22, labelWidth = 230, barWidth = 420
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(labelWidth + barWidth + 60) \(values.count * rowHeight + 4)\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (index, (label, value)) in values.enumerated() {
            let y = index * rowHeight + 2
            let width = value.map { max(1, Int(Double(barWidth) * Double($0) / Double(largest))) } ?? 20
            let fill = value == nil ? "fill=\"none\" stroke=\"#767676\" stroke-dasharray=\"3 2\"" : "fill=\"#1f6f8b\""
            svg += "<text x=\"0\" y=\"\(y + 15)\">\(escape(label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"\(rowHeight - 6)\" \(fill)><title>\(escape(label)): \(value.map(String.init) ?? "suppressed")</title></rect>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 15)\">\(value.map(String.init) ?? "suppressed")</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
