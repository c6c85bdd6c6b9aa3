import IblaghSchemas

/// The case lifecycle as an explicit state machine: the stages a case passes, which step moves it where, and who
/// may take the step. Events from the other services move a case along the police steps; officers' and
/// prosecutors' commands move it from investigation to judgment; dismissal and bundling end it from any open stage.
enum CaseLifecycle {
    typealias State = Iblagh_V1_CaseState

    /// The main path, in order.
    static let path: [State] = [
        .received, .routed, .unitNotified, .acknowledged, .complainantContacted, .underInvestigation,
        .suspectsIdentified, .referredToProsecution, .personsProsecuted, .judged, .closed,
    ]

    /// The states `state` may move to next.
    static func allowedNext(_ state: State) -> [State] {
        switch state {
        case .closed, .dismissed, .bundled: return []
        case .judged: return [.closed]
        default:
            guard let index = path.firstIndex(of: state), index + 1 < path.count else { return [] }
            return [path[index + 1], .dismissed, .bundled]
        }
    }

    static func isOpen(_ state: State) -> Bool { !allowedNext(state).isEmpty }

    /// Whether a case in `state` may have persons prosecuted. They are added as it reaches PERSONS_PROSECUTED, so a
    /// case on the path before that has none; a dismissed or bundled one may have been prosecuted first.
    static func mayHavePersons(_ state: State) -> Bool {
        guard let index = path.firstIndex(of: state) else { return true }
        return index >= path.firstIndex(of: .personsProsecuted)!
    }

    /// Events (facts from the other services) move a case forward to their stage if it is not there yet; they arrive
    /// through different hops, so out of order: an event behind the case's stage changes nothing.
    static func afterEvent(_ state: State, reaching stage: State) -> State {
        guard isOpen(state), let current = path.firstIndex(of: state), let target = path.firstIndex(of: stage), target > current,
            target <= path.firstIndex(of: .complainantContacted)!
        else { return state }
        return stage
    }

    /// The stage each kind of event from the other services stands for, by its history entry's kind.
    static let eventStages: [String: State] = [
        "routed": .routed, "unit_notified": .unitNotified, "acknowledged": .acknowledged, "complainant_contacted": .complainantContacted,
    ]

    /// Whether a case in `state` is past `stage` on the main path.
    static func hasPassed(_ state: State, _ stage: State) -> Bool {
        guard let current = path.firstIndex(of: state), let target = path.firstIndex(of: stage) else { return false }
        return current > target
    }

    /// The states an officer's `Advance` may reach (each only from the state before it).
    static let officerSteps: Set<State> = [.underInvestigation, .suspectsIdentified, .referredToProsecution]

    /// Why a step is refused, naming the current state and the allowed next ones.
    static func refusal(_ state: State, wanted: String) -> Iblagh_V1_CommandRefusal {
        let allowed = allowedNext(state)
        return .with {
            $0.code = "illegal_transition"
            $0.reason = "\(wanted) is not possible: the case is \(name(state)); allowed next: \(allowed.isEmpty ? "none (the case is over)" : allowed.map(name).joined(separator: ", "))"
            $0.currentState = state
            $0.allowedNext = allowed
        }
    }

    static func name(_ state: State) -> String {
        switch state {
        case .received: "RECEIVED"
        case .routed: "ROUTED"
        case .unitNotified: "UNIT_NOTIFIED"
        case .acknowledged: "ACKNOWLEDGED"
        case .complainantContacted: "COMPLAINANT_CONTACTED"
        case .underInvestigation: "UNDER_INVESTIGATION"
        case .suspectsIdentified: "SUSPECTS_IDENTIFIED"
        case .referredToProsecution: "REFERRED_TO_PROSECUTION"
        case .personsProsecuted: "PERSONS_PROSECUTED"
        case .judged: "JUDGED"
        case .closed: "CLOSED"
        case .dismissed: "DISMISSED"
        case .bundled: "BUNDLED"
        default: "UNKNOWN"
        }
    }

    /// The coarse step the reporter sees for a stage, or nil when it shows nothing new.
    static func reporterStep(_ state: State) -> String? {
        switch state {
        case .unitNotified: "with_police"
        case .underInvestigation: "under_investigation"
        case .referredToProsecution: "before_court"
        case .judged: "judged"
        case .closed, .dismissed, .bundled: "closed"
        default: nil
        }
    }
}
