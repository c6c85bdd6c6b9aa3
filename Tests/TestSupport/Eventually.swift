import Foundation

/// Waits until `condition` holds, polling every 200 ms (a condition that throws counts as not yet); fails with
/// `describe()` after `seconds`.
public func waitUntil(
    within seconds: Double = 120, _ describe: @autoclosure () async throws -> String, _ condition: () async throws -> Bool
) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw ProcessTestError("condition not met within \(seconds) s: \(try await describe())")
}
