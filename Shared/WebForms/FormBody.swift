import Foundation

/// A submitted HTML form: `application/x-www-form-urlencoded`, or `multipart/form-data` with at most one file.
/// Parsed in memory (the body is capped before it gets here): a file's bytes are never written anywhere but into the
/// evidence vault, sealed. What strangers send, so a fuzz target of its own (`Tests/Fuzz`, target `form`).
public struct FormBody: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public let field: String
        public let fileName: String
        public let mediaType: String
        public let content: [UInt8]

        public init(field: String, fileName: String, mediaType: String, content: [UInt8]) {
            self.field = field
            self.fileName = fileName
            self.mediaType = mediaType
            self.content = content
        }
    }

    public private(set) var fields: [String: [String]] = [:]
    public private(set) var files: [File] = []

    /// The first value of `name`, trimmed; nil when absent or blank.
    public subscript(name: String) -> String? {
        fields[name]?.first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func all(_ name: String) -> [String] { fields[name] ?? [] }

    public enum ParseError: Error, Equatable {
        case unsupportedType, malformed
    }

    /// Parses `body` sent with `contentType`.
    public init(contentType: String, body: [UInt8]) throws(ParseError) {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        switch parts.first?.lowercased() {
        case "application/x-www-form-urlencoded":
            try parseURLEncoded(body)
        case "multipart/form-data":
            guard let boundary = parts.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }),
                !boundary.isEmpty, boundary.utf8.count <= 70
            else { throw .malformed }
            try parseMultipart(body, boundary: Array(boundary.utf8))
        default:
            throw .unsupportedType
        }
    }

    private mutating func add(_ name: String, _ value: String) {
        fields[name, default: []].append(value)
    }

    private mutating func parseURLEncoded(_ body: [UInt8]) throws(ParseError) {
        guard let text = String(validating: body, as: UTF8.self) else { throw .malformed }
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(halves[0]), let value = Self.decode(halves.count > 1 ? halves[1] : "") else { throw .malformed }
            add(name, value)
        }
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// RFC 7578: parts separated by `--BOUNDARY`, each with headers, a blank line and its bytes.
    private mutating func parseMultipart(_ body: [UInt8], boundary: [UInt8]) throws(ParseError) {
        let delimiter = Array("--".utf8) + boundary
        guard var position = Self.find(delimiter, in: body, from: 0) else { throw .malformed }
        while true {
            position += delimiter.count
            if body[position...].starts(with: Array("--".utf8)) { return }  // the closing delimiter
            guard body[position...].starts(with: [13, 10]) else { throw .malformed }
            position += 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: position),
                let next = Self.find([13, 10] + delimiter, in: body, from: headerEnd + 4),
                let headers = String(validating: body[position..<headerEnd], as: UTF8.self)
            else { throw .malformed }
            let content = Array(body[(headerEnd + 4)..<next])
            try addPart(headers: headers, content: content)
            position = next + 2
        }
    }

    private mutating func addPart(headers: String, content: [UInt8]) throws(ParseError) {
        var name: String?, fileName: String?, mediaType = "application/octet-stream"
        for line in headers.split(separator: "\r\n") {
            let header = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard header.count == 2 else { throw .malformed }
            switch header[0].lowercased() {
            case "content-disposition":
                for parameter in header[1].split(separator: ";").dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2 else { continue }
                    let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
                    switch pair[0].lowercased() {
                    case "name": name = value
                    case "filename": fileName = value
                    default: break
                    }
                }
            case "content-type":
                mediaType = header[1].split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? mediaType
            default:
                break
            }
        }
        guard let name else { throw .malformed }
        if let fileName {
            // A browser sends an empty part for a file input left empty.
            if !fileName.isEmpty || !content.isEmpty {
                files.append(File(field: name, fileName: fileName, mediaType: mediaType, content: content))
            }
        } else {
            guard let value = String(validating: content, as: UTF8.self) else { throw .malformed }
            add(name, value)
        }
    }

    /// Where `needle` first is in `haystack` at or after `start`, by Knuth–Morris–Pratt: each byte looked at about once.
    /// The search it replaces compared up to the whole needle at each byte equal to its first: a body of 20 MiB of `-`
    /// under a boundary of 69 `-` and an `x` took it 0.38 s of CPU, this one 0.065 s (release builds, one run each).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, start < haystack.count else { return nil }
        // failure[i]: the length of the longest proper prefix of needle[0...i] that is also its suffix.
        var failure = [Int](repeating: 0, count: needle.count)
        var length = 0
        for index in needle.indices.dropFirst() {
            while length > 0, needle[index] != needle[length] { length = failure[length - 1] }
            if needle[index] == needle[length] { length += 1 }
            failure[index] = length
        }
        var matched = 0
        for index in start..<haystack.count {
            while matched > 0, haystack[index] != needle[matched] { matched = failure[matched - 1] }
            if haystack[index] == needle[matched] { matched += 1 }
            if matched == needle.count { return index - needle.count + 1 }
        }
        return nil
    }
}
