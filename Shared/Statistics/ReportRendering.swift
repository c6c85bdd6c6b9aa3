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

    /// The page's style: served as `/static/statistics.css` by the service (its CSP allows nothing inline), and put
    /// inline only in a page saved on its own (`standalone`, from `iblagh stats`).
    public static let css = """
        body{font-family:system-ui,"Noto Sans","Noto Naskh Arabic",Tahoma,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
        nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
        a{color:#0b3d91}
        table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:end}
        td:first-child,th:first-child{text-align:start}svg text{font-size:12px;fill:#1b1b1b}

        """

    /// A page a person would rather look at than read, in `text`'s language: bar charts of cases per category and
    /// per region, the funnel, then the tables. Suppressed figures show as "<n".
    public static func html(_ report: AnnualReport, funnel: Funnel, text: StatisticsPageText = .english, standalone: Bool = true) -> String {
        let threshold = report.suppressionThreshold
        func shown(_ value: Int?) -> String { value.map(String.init) ?? (threshold.map { "&lt;\($0)" } ?? "–") }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "–" }
        let style = standalone ? "<style>\(css)</style>" : "<link rel=\"stylesheet\" href=\"/static/statistics.css\">"
        let languages = StatisticsPageText.all.map { other in
            other.code == text.code
                ? "<li><span aria-current=\"true\" lang=\"\(other.code)\">\(escape(other.languageName))</span></li>"
                : "<li><a lang=\"\(other.code)\" hreflang=\"\(other.code)\" href=\"?year=\(report.year)&amp;lang=\(other.code)\">\(escape(other.languageName))</a></li>"
        }.joined()
        let totals = text.totals.replacingOccurrences(of: "%1", with: shown(report.totalCases)).replacingOccurrences(of: "%2", with: shown(report.totalPersonsProsecuted))
        let suppression = threshold.map { escape(text.suppression).replacingOccurrences(of: "%@", with: "\($0)") } ?? escape(text.internalReport)
        var page = """
            <!doctype html>
            <html lang="\(text.code)" dir="\(text.rightToLeft ? "rtl" : "ltr")"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(text.title.replacingOccurrences(of: "%@", with: "\(report.year)"))) — Iblagh</title>
            \(style)</head><body>
            <nav aria-label="language"><ul>\(languages)</ul></nav>
            <h1>\(escape(text.title.replacingOccurrences(of: "%@", with: "\(report.year)")))</h1>
            <p>\(totals) \(suppression) \(escape(text.rounding))</p>

            """
        func categoryName(_ name: String) -> String { text.categories[name] ?? name.replacingOccurrences(of: "_", with: " ") }
        let suppressed = text.suppressed
        page += "<h2>\(escape(text.byCategory))</h2>\n" + bars(report.byCategory.map { (categoryName($0.name), $0.cases) }, suppressed: suppressed)
        page += "<h2>\(escape(text.byRegion))</h2>\n" + bars(report.byRegion.map { (text.region($0.name), $0.cases) }, suppressed: suppressed)
        page += "<h2>\(escape(text.funnel))</h2>\n" + bars(funnel.stages.map { (text.stages[$0.stage] ?? $0.stage, $0.count) }, suppressed: suppressed)
        let tables: [(String, [AnnualReport.Line], (String) -> String)] = [
            (text.byCategory, report.byCategory, categoryName), (text.byRegion, report.byRegion, text.region), (text.byOffice, report.byOffice, { $0 }),
        ]
        for (title, rows, name) in tables {
            page += "<h2>\(escape(title))</h2>\n<table><tr>" + text.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            for row in rows {
                page += "<tr><td>\(escape(name(row.name)))</td><td>\(shown(row.cases))</td><td>\(shown(row.personsProsecuted))</td><td>\(percent(row.sharePercent))</td><td>\(percent(row.changePercent))</td></tr>\n"
            }
            page += "</table>\n"
        }
        return page + "</body></html>\n"
    }

    /// A horizontal bar chart; a suppressed value is drawn as an empty outline.
    static func bars(_ values: [(String, Int?)], suppressed: String) -> String {
        let largest = max(1, values.compactMap(\.1).max() ?? 1)
        let rowHeight = 22, labelWidth = 230, barWidth = 420
        var svg = "<svg role=\"img\" direction=\"ltr\" viewBox=\"0 0 \(labelWidth + barWidth + 60) \(values.count * rowHeight + 4)\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (index, (label, value)) in values.enumerated() {
            let y = index * rowHeight + 2
            let width = value.map { max(1, Int(Double(barWidth) * Double($0) / Double(largest))) } ?? 20
            let fill = value == nil ? "fill=\"none\" stroke=\"#767676\" stroke-dasharray=\"3 2\"" : "fill=\"#1f6f8b\""
            svg += "<text x=\"0\" y=\"\(y + 15)\">\(escape(label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"\(rowHeight - 6)\" \(fill)><title>\(escape(label)): \(value.map(String.init) ?? escape(suppressed))</title></rect>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 15)\">\(value.map(String.init) ?? escape(suppressed))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
