import Foundation
import JSONFiles
import Testing

@Suite("What is wrong with an operator's JSON file, in words")
struct JSONProblemTests {
    struct Directory: Decodable {
        struct Unit: Decodable {
            var id: String
            var region: String?
            var deadlines: [Double]
        }
        var defaults: [String: String]
        var units: [Unit]
    }

    static func problem(_ json: String) -> String {
        let data = Data(json.utf8)
        do {
            _ = try JSONDecoder().decode(Directory.self, from: data)
            return "decoded"
        } catch {
            return JSONProblem.describe(error, in: data)
        }
    }

    @Test("each kind of mistake names its place as the file writes it")
    func mistakes() {
        #expect(Self.problem(#"{"units": []}"#) == #"missing "defaults" at the top level"#)
        #expect(Self.problem(#"{"defaults": {}, "units": [{"id": "a", "deadlines": []}, {"id": "b"}]}"#) == #"missing "deadlines" at units[1]"#)
        #expect(Self.problem(#"{"defaults": {}, "units": [{"id": "a", "region": 4, "deadlines": []}]}"#) == "units[0].region: expected text, found something else")
        #expect(Self.problem(#"{"defaults": {}, "units": [{"id": null, "deadlines": []}]}"#) == "units[0].id: expected text, found null")
        #expect(Self.problem(#"{"defaults": {}, "units": [{"id": "a", "deadlines": "soon"}]}"#) == "units[0].deadlines: expected a list, found something else")
        #expect(Self.problem(#"{"defaults": {"#) == "not JSON: Unexpected end of file during JSON parse.")
        #expect(Self.problem(#"{"defaults": {}, "units": []}"#) == "decoded")
    }
}
