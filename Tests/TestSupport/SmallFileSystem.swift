import Foundation

/// A tmpfs of a few hundred KiB for a test's store, to fill up and then grow: what a full disk does to a service
/// without filling the machine's. Mounting needs root or CAP_SYS_ADMIN (CI has it); without, `mount` fails with that
/// reason.
public final class SmallFileSystem: @unchecked Sendable {
    // @unchecked: used by the one test that made it.
    public let path: String

    public init(size: String) async throws {
        path = NSTemporaryDirectory() + "iblagh-small-fs-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mounted = try await run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
        guard mounted.status == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw ProcessTestError("a test mounts a small tmpfs and needs root (or CAP_SYS_ADMIN): \(mounted.error)")
        }
    }

    /// Gives the file system room again, without unmounting it.
    public func grow(to size: String) async throws {
        let grown = try await run("/bin/mount", ["-o", "remount,size=\(size)", path])
        guard grown.status == 0 else { throw ProcessTestError("remount \(path): \(grown.error)") }
    }

    /// Takes every free block that is left.
    public func fill() async throws {
        _ = try await run("/bin/dd", ["if=/dev/zero", "of=\(path)/filler", "bs=4096"])
    }

    deinit {
        _ = try? runBlocking("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }
}
