import CaseHistory
import Foundation
import IblaghSchemas
import IblaghStore
import SwiftProtobuf

/// Officers' and prosecutors' commands on the case file. The caller's role (from its CURVE key) decides who acts:
/// `officer:UNIT` on its unit's cases, `prosecutor:OFFICE` on its office's. Each command runs in one transaction with
/// its answer, which is stored under the caller's command id: a retry — even after a crash — gets the same answer
/// and has no second effect.
extension CaseFile {
    func execute(_ command: Iblagh_V1_CaseCommand, role: String, now: Date, in transaction: any StoreTransaction) throws -> Iblagh_V1_CaseCommandReply {
        if let stored = try transaction.rows(
            "SELECT reply FROM tracker_command WHERE role = ? AND command_id = ?", [.text(role), .text(command.commandID)]).first?.blob("reply") {
            return try Iblagh_V1_CaseCommandReply(serializedBytes: stored)
        }
        var reply = Iblagh_V1_CaseCommandReply()
        reply.commandID = command.commandID
        do {
            reply.case = try carryOut(command, role: role, now: now, in: transaction)
        } catch let refusal as Refused {
            reply.refusal = refusal.refusal
        }
        if case .show = command.action { return reply }  // reading changes nothing, so nothing to remember
        try transaction.execute(
            "INSERT INTO tracker_command (role, command_id, reply, at) VALUES (?, ?, ?, ?)",
            [.text(role), .text(command.commandID), .blob(try reply.serializedBytes()), .real(now.timeIntervalSince1970)])
        return reply
    }

    struct Refused: Error {
        let refusal: Iblagh_V1_CommandRefusal
        init(_ code: String, _ reason: String, state: Iblagh_V1_CaseState = .unspecified) {
            refusal = .with {
                $0.code = code
                $0.reason = reason
                $0.currentState = state
                $0.allowedNext = CaseLifecycle.allowedNext(state)
            }
        }
        init(_ refusal: Iblagh_V1_CommandRefusal) { self.refusal = refusal }
    }

    private func carryOut(_ command: Iblagh_V1_CaseCommand, role: String, now: Date, in transaction: any StoreTransaction) throws -> Iblagh_V1_CaseSummary {
        guard let file = try load(command.trackingID, in: transaction) else {
            throw Refused("not_your_case", "no case with this tracking id is yours")
        }
        let isOfficer = role.hasPrefix("officer:"), isProsecutor = role.hasPrefix("prosecutor:")
        let organisation = String(role.drop { $0 != ":" }.dropFirst())
        let mine = (isOfficer && (organisation == file.unitID || organisation == file.acknowledgedUnit)) || (isProsecutor && organisation == file.officeID)
        guard mine else { throw Refused("not_your_case", "no case with this tracking id is yours") }
        let actor: HistoryBody = ["role": isOfficer ? "officer" : "prosecutor", "organisation": organisation, "person": command.actor.personID, "command": command.commandID]
        func require(_ allowed: Bool, _ what: String, _ target: Iblagh_V1_CaseState) throws {
            guard allowed else { throw Refused("not_allowed", "\(what) is for \(isOfficer ? "prosecutors" : "officers")", state: file.state) }
            guard CaseLifecycle.allowedNext(file.state).contains(target) else { throw Refused(CaseLifecycle.refusal(file.state, wanted: what)) }
        }

        switch command.action {
        case .show:
            break
        case .advance(let advance):
            guard CaseLifecycle.officerSteps.contains(advance.to) else {
                throw Refused("invalid", "advance goes to UNDER_INVESTIGATION, SUSPECTS_IDENTIFIED or REFERRED_TO_PROSECUTION", state: file.state)
            }
            try require(isOfficer, CaseLifecycle.name(advance.to), advance.to)
            try record(file, kind: "advanced", body: actor.merging(["note_length": advance.note.count]) { $1 }, to: advance.to, now: now, in: transaction)
        case .prosecute(let prosecute):
            try require(isProsecutor, "PERSONS_PROSECUTED", .personsProsecuted)
            guard !prosecute.persons.isEmpty, prosecute.persons.allSatisfy({ !$0.personID.isEmpty && !$0.charges.isEmpty }) else {
                throw Refused("invalid", "name each person prosecuted by a pseudonymous id, with at least one charge", state: file.state)
            }
            for person in prosecute.persons {
                try transaction.execute(
                    "INSERT INTO tracker_person (tracking_id, person_id, charges) VALUES (?, ?, ?)",
                    [.text(file.trackingID), .text(person.personID), .blob(try person.serializedBytes())])
            }
            try record(file, kind: "prosecuted", body: actor.merging([
                "persons": prosecute.persons.map { person -> HistoryBody in
                    ["person": person.personID,
                     "charges": person.charges.map { charge -> HistoryBody in ["description": charge.description_p, "legal_reference": charge.legalReference] }]
                },
            ]) { $1 }, to: .personsProsecuted, now: now, in: transaction)
        case .scheduleHearing(let hearing):
            guard isProsecutor else { throw Refused("not_allowed", "hearings are for prosecutors", state: file.state) }
            guard file.state == .personsProsecuted else { throw Refused(CaseLifecycle.refusal(file.state, wanted: "a hearing")) }
            try record(file, kind: "hearing", body: actor.merging(["at": ISO8601DateFormatter().string(from: hearing.hearingAt.date), "court": hearing.courtID]) { $1 },
                       to: file.state, now: now, in: transaction)
        case .judge(let judgment):
            guard isProsecutor else { throw Refused("not_allowed", "judgments are recorded by prosecutors", state: file.state) }
            guard file.state == .personsProsecuted else { throw Refused(CaseLifecycle.refusal(file.state, wanted: "a judgment")) }
            guard judgment.verdict == .convicted || judgment.verdict == .acquitted else {
                throw Refused("invalid", "the verdict is convicted or acquitted", state: file.state)
            }
            let updated = try transaction.execute(
                "UPDATE tracker_person SET verdict = ?, sentence = ?, court_id = ?, judged_at = ? WHERE tracking_id = ? AND person_id = ? AND verdict = 0",
                [.integer(Int64(judgment.verdict.rawValue)), .blob(try judgment.sentence.serializedBytes()), .text(judgment.courtID),
                 .real(judgment.judgedAt.date.timeIntervalSince1970), .text(file.trackingID), .text(judgment.personID)])
            guard updated == 1 else { throw Refused("invalid", "no person prosecuted in this case awaits judgment under this id", state: file.state) }
            let waiting = try transaction.rows("SELECT COUNT(*) AS n FROM tracker_person WHERE tracking_id = ? AND verdict = 0", [.text(file.trackingID)]).first?.integer("n") ?? 0
            try record(file, kind: "judged", body: actor.merging([
                "person": judgment.personID, "verdict": judgment.verdict == .convicted ? "convicted" : "acquitted",
                "prison_months": judgment.sentence.prisonMonths, "suspended": judgment.sentence.suspended, "fine_mad": judgment.sentence.fineMad,
                "court": judgment.courtID,
            ]) { $1 }, to: waiting == 0 ? .judged : file.state, now: now, in: transaction)
        case .dismiss(let dismissal):
            try require(isProsecutor, "DISMISSED", .dismissed)
            try record(file, kind: "dismissed", body: actor.merging(["reason": dismissal.reason]) { $1 }, to: .dismissed, now: now, in: transaction)
        case .bundle(let bundle):
            try require(isOfficer || isProsecutor, "BUNDLED", .bundled)
            guard bundle.intoTrackingID != file.trackingID, try load(bundle.intoTrackingID, in: transaction) != nil else {
                throw Refused("invalid", "bundle into another existing case", state: file.state)
            }
            var bundled = file
            bundled.bundledInto = bundle.intoTrackingID
            try record(bundled, kind: "bundled", body: actor.merging(["into": bundle.intoTrackingID]) { $1 }, to: .bundled, now: now, in: transaction)
        case .close:
            try require(isProsecutor, "CLOSED", .closed)
            try record(file, kind: "closed", body: actor, to: .closed, now: now, in: transaction)
        case nil:
            throw Refused("invalid", "the command names no action", state: file.state)
        }
        return try summary(command.trackingID, in: transaction)
    }

    func summary(_ trackingID: String, in transaction: any StoreTransaction) throws -> Iblagh_V1_CaseSummary {
        guard let file = try load(trackingID, in: transaction) else { return .init() }
        let rows = try transaction.rows(
            "SELECT person_id, charges, verdict, sentence, court_id, judged_at FROM tracker_person WHERE tracking_id = ? ORDER BY person_id",
            [.text(trackingID)])
        let persons = try rows.compactMap { try $0.blob("charges").map { try Iblagh_V1_ProsecutedPerson(serializedBytes: $0) } }
        let judgments = try rows.compactMap { row -> Iblagh_V1_CaseCommand.Judge? in
            guard let verdict = row.integer("verdict").flatMap({ Iblagh_V1_CaseCommand.Judge.Verdict(rawValue: Int($0)) }),
                verdict != .unspecified
            else { return nil }
            return try .with {
                $0.personID = row.text("person_id") ?? ""
                $0.verdict = verdict
                $0.sentence = try Iblagh_V1_Sentence(serializedBytes: row.blob("sentence") ?? [])
                $0.courtID = row.text("court_id") ?? ""
                $0.judgedAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: row.real("judged_at") ?? 0))
            }
        }
        return .with {
            $0.trackingID = trackingID
            $0.state = file.state
            $0.allowedNext = CaseLifecycle.allowedNext(file.state)
            $0.category = file.category
            $0.priority = file.priority
            $0.unit = .with { $0.id = file.unitID; $0.name = file.unitName }
            $0.prosecutionOffice = .with { $0.id = file.officeID; $0.name = file.officeName }
            $0.persons = persons
            $0.judgments = judgments
            $0.bundledInto = file.bundledInto
        }
    }
}
