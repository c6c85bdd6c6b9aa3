/// Which evidence files intake takes: an allow-list of media types, each recognised by its first bytes (a file
/// must be what it says it is), a size cap, and file names that cannot name a path.
public struct EvidencePolicy: Sendable {
    /// The most bytes one file may have.
    public var maximumFileBytes: Int

    public struct Problem: Equatable, Sendable {
        public let field: String
        public let code: String
        public let reason: String

        public init(field: String, code: String, reason: String) {
            self.field = field
            self.code = code
            self.reason = reason
        }
    }

    public init(maximumFileBytes: Int = 20 * 1024 * 1024) {
        self.maximumFileBytes = maximumFileBytes
    }

    /// The media types accepted, each with a test on the file's first 16 bytes.
    public static let mediaTypes: [String: @Sendable ([UInt8]) -> Bool] = [
        "image/jpeg": { $0.starts(with: [0xFF, 0xD8, 0xFF]) },
        "image/png": { $0.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) },
        "image/gif": { $0.starts(with: Array("GIF87a".utf8)) || $0.starts(with: Array("GIF89a".utf8)) },
        "image/webp": { $0.starts(with: Array("RIFF".utf8)) && $0.count >= 12 && Array($0[8..<12]) == Array("WEBP".utf8) },
        "application/pdf": { $0.starts(with: Array("%PDF-".utf8)) },
        "video/mp4": { $0.count >= 8 && Array($0[4..<8]) == Array("ftyp".utf8) },
        "audio/mpeg": { $0.starts(with: Array("ID3".utf8)) || ($0.count >= 2 && $0[0] == 0xFF && $0[1] & 0xE0 == 0xE0) },
        "audio/ogg": { $0.starts(with: Array("OggS".utf8)) },
        "text/plain": { !$0.contains(0) },
    ]

    /// What is wrong with a file, if anything. `firstBytes` are its first (up to 16) bytes; `size` nil when unknown yet.
    public func problems(fileName: String, mediaType: String, firstBytes: [UInt8], size: Int?) -> [Problem] {
        var problems: [Problem] = []
        if let reason = Self.fileNameProblem(fileName) {
            problems.append(Problem(field: "file_name", code: fileName.isEmpty ? "required" : "invalid", reason: reason))
        }
        if let test = Self.mediaTypes[mediaType.lowercased()] {
            if size != 0, !firstBytes.isEmpty, !test(firstBytes) {
                problems.append(Problem(field: "content", code: "type_mismatch", reason: "The file's content is not \(mediaType.lowercased())."))
            }
        } else {
            problems.append(Problem(field: "media_type", code: "forbidden_type", reason: "Accepted types: \(Self.mediaTypes.keys.sorted().joined(separator: ", "))."))
        }
        if let size {
            if size == 0 {
                problems.append(Problem(field: "content", code: "required", reason: "The file is empty."))
            } else if size > maximumFileBytes {
                problems.append(Problem(field: "content", code: "too_large", reason: "A file may have at most \(maximumFileBytes / 1024 / 1024) MiB."))
            }
        }
        return problems
    }

    /// A file name is only a name: no path, no control characters, at most 255 bytes.
    public static func fileNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "Give the file's name." }
        if name.utf8.count > 255 { return "A file name may have at most 255 bytes." }
        if name.contains("/") || name.contains("\\") || name == "." || name == ".." || name.hasPrefix(".") {
            return "A file name may not contain a path."
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "A file name may not contain control characters."
        }
        return nil
    }
}
