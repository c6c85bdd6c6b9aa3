import Foundation
import Hexadecimal

/// A service's data keys on disk: one key per line as `ID:HEX` (64 hex digits), the first line sealing, every line
/// opening (rotation: put the new key first, keep the old ones below). Mode 0600 — a file others can read is refused.
public enum DataKeyFile {
    /// Reads the key ring in `path`. Errors name the file and line, never key material.
    public static func load(_ path: String) throws -> KeyRing {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { throw CryptoError(.invalidKey, "cannot read the data key file \(path)") }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw CryptoError(.invalidKey, "data key file \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        var keys: [SymmetricKey] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[1].count == 64, let bytes = Hex.bytes(parts[1]) else {
                throw CryptoError(.invalidKey, "data key file \(path) line \(number + 1) is not ID:HEX with 64 hex digits")
            }
            keys.append(try SymmetricKey(id: parts[0], bytes: bytes))
        }
        guard let current = keys.first else { throw CryptoError(.invalidKey, "data key file \(path) holds no key") }
        return KeyRing(current: current, older: Array(keys.dropFirst()))
    }

    /// Writes a new file with one fresh key, mode 0600; refuses to overwrite an existing file.
    public static func generate(_ path: String, id: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CryptoError(.invalidKey, "\(path) exists; a data key file is never overwritten")
        }
        let key = try SymmetricKey.generate(id: id)
        let line = "\(id):" + Hex.string(key.bytes) + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(line.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CryptoError(.invalidKey, "cannot write the data key file \(path)")
        }
    }
}
