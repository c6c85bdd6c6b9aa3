import Testing
@testable import WebForms

@Suite("The web form's body")
struct FormBodyTests {
    @Test("the delimiter search finds what a plain search finds, on repetitive bytes where a naive search backs up")
    func searchAgreesWithAPlainOne() {
        func plain(_ needle: [UInt8], _ haystack: [UInt8], _ start: Int) -> Int? {
            guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
            return (start...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let haystack = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...1, using: &generator) + 0x61 }
            let needle = (0..<Int.random(in: 1...6, using: &generator)).map { _ in UInt8.random(in: 0...1, using: &generator) + 0x61 }
            let start = Int.random(in: 0...max(0, haystack.count), using: &generator)
            #expect(FormBody.find(needle, in: haystack, from: start) == plain(needle, haystack, start), "\(needle) in \(haystack) from \(start)")
        }
    }

    @Test("a multipart body: fields, a file with its bytes as sent, an empty file input left out")
    func multipart() throws {
        let body = Array((
            "--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nline one\r\nline two\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n--b-not-a-delimiter\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n").utf8)
        let form = try FormBody(contentType: "multipart/form-data; boundary=b", body: body)
        #expect(form["description"] == "line one\r\nline two")
        #expect(form.files == [FormBody.File(field: "evidence", fileName: "a.txt", mediaType: "text/plain", content: Array("--b-not-a-delimiter".utf8))])
        #expect(throws: FormBody.ParseError.malformed) { try FormBody(contentType: "multipart/form-data; boundary=b", body: Array("--b\r\nno end".utf8)) }
    }
}
