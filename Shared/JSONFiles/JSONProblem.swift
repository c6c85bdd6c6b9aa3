import Foundation

/// What is wrong with a JSON file an operator wrote (a configuration, reference data, a unit directory, a
/// benchmark's results), in words and naming the place: `missing "defaults" at the top level`,
/// `units[0].region: expected text, found something else`, `not JSON: Unexpected end of file during JSON parse.`
public enum JSONProblem {
    /// `error` from decoding `data` (given, the parser's own reason is found when the decoder kept none).
    public static func describe(_ error: any Error, in data: Data? = nil) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing \"\(key.stringValue)\" at \(spot(context.codingPath))"
        case DecodingError.typeMismatch(let type, let context):
            "\(spot(context.codingPath)): expected \(noun(type)), found something else"
        case DecodingError.valueNotFound(let type, let context):
            "\(spot(context.codingPath)): expected \(noun(type)), found null"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty
                ? "not JSON: \(reason(context.underlyingError) ?? data.flatMap(parseFailure) ?? context.debugDescription)"
                : "\(spot(context.codingPath)): \(context.debugDescription)"
        default:
            reason(error).map { "not JSON: \($0)" } ?? "\(error)"
        }
    }

    /// "the top level", or a path as in the file: "units[0].region".
    private static func spot(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "the top level" }
        return path.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
    }

    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt32.Type, is UInt64.Type, is Double.Type: "a number"
        default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// Why `data` does not parse as JSON, in the parser's words.
    private static func parseFailure(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            return nil
        } catch {
            return reason(error)
        }
    }

    /// Foundation's own sentence for a parse error, without its error dump.
    private static func reason(_ error: (any Error)?) -> String? {
        (error as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
    }
}
