import Foundation

/// The one folder under which every test makes its own: a run of the suites leaves nothing behind in the temporary
/// directory (they once left about 230 MiB of stores, keys and logs a run, until the disk filled).
///
/// `deploy/test.sh` names the folder (`IBLAGH_TEST_SCRATCH`), removes it when every test passed and keeps it for a
/// post-mortem when one failed. Run alone, the test bundle makes `iblagh-tests-PID` in the temporary directory,
/// removes it when it exits, and first removes any such folder whose process is gone (a run that was killed).
public enum TestScratch {
    public static let root: String = {
        if let named = ProcessInfo.processInfo.environment["IBLAGH_TEST_SCRATCH"], !named.isEmpty {
            try? FileManager.default.createDirectory(atPath: named, withIntermediateDirectories: true)
            return named
        }
        removeFoldersOfEndedRuns()
        let own = NSTemporaryDirectory() + "\(prefix)\(getpid())"
        try? FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.root) }
        return own
    }()

    private static let prefix = "iblagh-tests-"

    private static func removeFoldersOfEndedRuns() {
        let temporary = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: temporary + name)
        }
    }
}

/// A fresh directory for one test, named for it, under ``TestScratch/root``.
public func temporaryDirectory(_ name: String = #function) throws -> String {
    let path = "\(TestScratch.root)/\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
