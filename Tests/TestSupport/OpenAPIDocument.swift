import Foundation
import Testing

/// An OpenAPI description in docs/openapi/, read for the tests that hold it to the code and to a running service.
public struct OpenAPIDocument: @unchecked Sendable {
    // @unchecked: a JSON tree, read once and never changed.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    public let root: [String: Any]

    /// `name`: the file in docs/openapi/ (`intake.json`).
    public init(_ name: String) throws {
        let data = try Data(contentsOf: Self.repository.appendingPathComponent("docs/openapi/\(name)"))
        root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Every operation described, as `GET /v1/reports/{tracking}`.
    public var operations: Set<String> {
        Set((root["paths"] as? [String: [String: Any]] ?? [:]).flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
    }

    /// The operation at `path` and `method` (`get`).
    public func operation(_ method: String, _ path: String) throws -> [String: Any] {
        try #require(((root["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any], "no \(method) \(path)")
    }

    public func schema(_ name: String) throws -> [String: Any] {
        try #require(((root["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any], "no schema \(name)")
    }

    /// The properties of schema `name`, by name.
    public func properties(_ name: String) throws -> [String: [String: Any]] {
        try #require(try schema(name)["properties"] as? [String: [String: Any]], "\(name) has no properties")
    }

    /// The values `property` of schema `name` may take.
    public func enumeration(_ name: String, _ property: String) throws -> Set<String> {
        Set(try properties(name)[property]?["enum"] as? [String] ?? [])
    }

    /// Whether `object` (an answer's JSON object) has every required property of schema `name` and no other.
    public func conforms(_ object: [String: Any], to name: String) throws -> Bool {
        let allowed = Set(try properties(name).keys), required = Set(try schema(name)["required"] as? [String] ?? [])
        return Set(object.keys).isSubset(of: allowed) && required.isSubset(of: object.keys)
    }

    /// The routes a service registers (`router.get("/path")`, …) in the repository's `files`, in the same form as
    /// ``operations``.
    public static func routes(in files: [String]) throws -> Set<String> {
        let route = try NSRegularExpression(pattern: #"router\.(get|post|put|patch|delete)\("([^"]+)""#)
        var found = Set<String>()
        for file in files {
            let text = try String(contentsOf: repository.appendingPathComponent(file), encoding: .utf8)
            for match in route.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.insert("\(text[Range(match.range(at: 1), in: text)!].uppercased()) \(text[Range(match.range(at: 2), in: text)!])")
            }
        }
        return found
    }
}
