import CaseHistory
import Foundation
import Testing

/// The history's body text: valid JSON that means what the body means, in one form only.
@Suite("Canonical JSON of history bodies")
struct CanonicalJSONTests {
    @Test("keys sorted at every level, no spaces, escapes where JSON needs them, and it reads back to the same body")
    func canonical() throws {
        let charges: [HistoryBody] = [["legal_reference": "art. 538", "description": "extortion"]]
        let body: HistoryBody = [
            "unit": "police.wilaya.kenitra", "level": 0, "suspended": true, "fine_mad": Int64(5_000), "months": UInt32(6),
            "note": "a \"quote\", a \\ backslash,\na line break, a tab\t, a bell \u{7} and القنيطرة",
            "persons": [["person": "P1", "charges": charges] as HistoryBody], "rules": ["residence-city", "minor"],
        ]
        let text = CanonicalJSON.encode(body)
        #expect(text == #"{"fine_mad":5000,"level":0,"months":6,"note":"a \"quote\", a \\ backslash,\na line break, a tab\t, a bell \u0007 and القنيطرة","persons":[{"charges":[{"description":"extortion","legal_reference":"art. 538"}],"person":"P1"}],"rules":["residence-city","minor"],"suspended":true,"unit":"police.wilaya.kenitra"}"#)
        let read = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(read["note"] as? String == body["note"] as? String)
        #expect(read["fine_mad"] as? Int == 5_000 && read["suspended"] as? Bool == true && read["months"] as? Int == 6)
        let persons = read["persons"] as? [[String: Any]]
        #expect((persons?.first?["charges"] as? [[String: String]])?.first?["legal_reference"] == "art. 538")
        #expect(read["rules"] as? [String] == ["residence-city", "minor"])
        #expect(CanonicalJSON.encode(body) == text)
        #expect(CanonicalJSON.encode([:]) == "{}" && CanonicalJSON.encode(["empty": [String](), "none": ""]) == #"{"empty":[],"none":""}"#)
        #expect(CanonicalJSON.encode(["edges": "\"é\u{1f}", "only": "\\"]) == #"{"edges":"\"é\u001f","only":"\\"}"#)
    }
}
