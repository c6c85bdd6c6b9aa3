import Foundation
import Hexadecimal
import IblaghCrypto
import IblaghSchemas
import IblaghStore
import ZeroMQ

/// What a program runs as: its executable's build id and the C libraries it runs with (libzmq, SQLite, OpenSSL).
/// Each service's and the `iblagh` tool's `--version` prints it; a service also logs it at its start and carries it in
/// `/metrics` as `iblagh_build_info`. An operator answering
/// an advisory for one of the libraries, or rolling a build out region by region, sees which instances run what.
public struct BuildInfo: Sendable, Equatable {
    /// The executable's ELF build id (the linker's hash of its contents), shortened as git shortens a commit.
    public let build: String
    public let libzmq: String
    public let sqlite: String
    public let openssl: String

    /// This process's.
    public static let current = BuildInfo(
        build: executableBuildID().map { String($0.prefix(12)) } ?? "unknown", libzmq: ZMQLibrary.version.description,
        sqlite: SQLiteStore.libraryVersion, openssl: OpenSSLLibrary.version)

    /// `iblagh-intake build 7a12d0e9eef0 (protocol iblagh.v1; libzmq 4.3.4, SQLite 3.40.1, OpenSSL 3.0.17)`.
    public func line(_ name: String) -> String {
        "\(name) build \(build) (protocol \(Iblagh_V1_Envelope.protoMessageName.split(separator: ".").dropLast().joined(separator: ".")); libzmq \(libzmq), SQLite \(sqlite), OpenSSL \(openssl))"
    }

    /// Its parts by name: the labels of the services' `iblagh_build_info` gauge and of their `starting` line.
    public var labels: [(String, String)] {
        [("build", build), ("libzmq", libzmq), ("sqlite", sqlite), ("openssl", openssl)]
    }

    /// The `NT_GNU_BUILD_ID` note of this process's executable, read from its program headers in /proc/self/exe;
    /// nil when it has none (a linker told not to write one) or is not a 64-bit little-endian ELF file.
    static func executableBuildID(path: String = "/proc/self/exe") -> String? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        func read(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            guard (try? file.seek(toOffset: offset)) != nil, let data = try? file.read(upToCount: count), data.count == count else { return nil }
            return [UInt8](data)
        }
        func integer(_ bytes: [UInt8], _ at: Int, _ size: Int) -> UInt64 {
            (0..<size).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
        }
        // ELF64, little-endian: the program headers' offset, entry size and count.
        guard let header = read(0, 64), header.starts(with: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) else { return nil }
        let programHeaders = integer(header, 0x20, 8), entrySize = Int(integer(header, 0x36, 2)), count = Int(integer(header, 0x38, 2))
        guard entrySize >= 56, let table = read(programHeaders, entrySize * count) else { return nil }
        for index in 0..<count {
            let entry = index * entrySize
            guard integer(table, entry, 4) == 4 /* PT_NOTE */ else { continue }
            let size = Int(min(integer(table, entry + 32, 8), 64 * 1024))
            guard let notes = read(integer(table, entry + 8, 8), size) else { continue }
            // Each note: name size, description size, type (4 bytes each), the name and the description, each
            // padded to 4 bytes.
            var at = 0
            while at + 12 <= notes.count {
                let nameSize = Int(integer(notes, at, 4)), descriptionSize = Int(integer(notes, at + 4, 4)), type = integer(notes, at + 8, 4)
                let name = at + 12, description = name + (nameSize + 3) / 4 * 4
                guard description + descriptionSize <= notes.count else { break }
                if type == 3 /* NT_GNU_BUILD_ID */, nameSize == 4, Array(notes[name..<name + 4]) == Array("GNU\0".utf8) {
                    return Hex.string(notes[description..<description + descriptionSize])
                }
                at = description + (descriptionSize + 3) / 4 * 4
            }
        }
        return nil
    }
}
