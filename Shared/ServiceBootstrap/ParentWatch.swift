import Foundation

/// Test harnesses start services as child processes; a harness killed outright never stops them, and they would run
/// on. With `IBLAGH_EXIT_WITH_PARENT=1` in its environment, a service exits once its parent is gone.
public enum ParentWatch {
    public static func startIfRequested(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environment["IBLAGH_EXIT_WITH_PARENT"] == "1" else { return }
        let parent = getppid()
        Thread.detachNewThread {
            while getppid() == parent { sleep(1) }
            exit(0)
        }
    }
}
