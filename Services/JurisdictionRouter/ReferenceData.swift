import Foundation
import Jurisdiction
import Logging
import Synchronization

/// The routing rules over the current reference data file, replaced without a restart: the file is checked every
/// few seconds, and a changed file that loads cleanly replaces the rules for the decisions that follow (a file that
/// does not load is logged and ignored; the rules in use stay).
final class ReferenceData: Sendable {
    let file: String
    private let state: Mutex<(rules: RoutingRules, modified: Date?)>
    private let logger: Logger

    /// `table`: the file as loaded with the settings.
    init(file: String, table: TerritoryTable, logger: Logger) {
        self.file = file
        self.logger = logger
        let rules = RoutingRules(table: table)
        state = Mutex((rules, Self.modified(file)))
        RouterMetrics.shared.using(rules.table.version, replacing: nil)
    }

    var rules: RoutingRules { state.withLock { $0.rules } }

    /// Reloads when the file changed; returns whether it did.
    @discardableResult
    func refresh() -> Bool {
        let modified = Self.modified(file)
        guard modified != state.withLock({ $0.modified }) else { return false }
        do {
            let rules = RoutingRules(table: try TerritoryTable.load(file: file))
            let previous = state.withLock { current in
                defer { current = (rules, modified) }
                return current.rules.table.version
            }
            logger.notice("reference data replaced", metadata: ["from": "\(previous)", "to": "\(rules.table.version)"])
            RouterMetrics.shared.using(rules.table.version, replacing: previous)
            return true
        } catch {
            state.withLock { $0.modified = modified }  // do not retry the same broken file every few seconds
            logger.error("reference data not replaced: the new file does not load", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Checks the file every `interval` until cancelled.
    func watch(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            refresh()
        }
    }

    private static func modified(_ file: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
    }
}
