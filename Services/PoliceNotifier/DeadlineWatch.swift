import Foundation
import IblaghStore
import Logging
import ServiceLifecycle

/// Fires deadlines: every tick, escalates the cases whose deadline passed (by the notifier's clock) in one
/// transaction, then tells the console endpoint and the dispatcher. Deadlines are rows, so a restart loses none.
struct DeadlineWatch: Service {
    let store: any Store
    let assignments: CaseAssignments
    let clock: any NotifierClock
    let tick: Duration
    let committed: @Sendable () async -> Void
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let now = clock.now(), assignments = self.assignments
                    let escalated = try await store.write { try assignments.escalateDue(now: now, in: $0) }
                    if escalated > 0 {
                        logger.info("deadlines passed: cases escalated", metadata: ["count": "\(escalated)"])
                        await committed()
                    }
                } catch {
                    logger.error("escalating failed; will retry", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: tick)
            }
        }
    }
}
