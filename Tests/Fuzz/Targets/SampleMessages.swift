import Foundation
import IblaghSchemas
import SwiftProtobuf

/// One fully populated message of every type on the bus: the schema tests' cases and the fuzzers' seeds.
public enum SampleMessages {
    public static let at = Google_Protobuf_Timestamp(seconds: 1_785_000_000, nanos: 500)
    public static let kenitra = Iblagh_V1_UnitRef.with {
        $0.id = "MA-PJ-KENITRA"
        $0.name = "Service provincial de police judiciaire de Kénitra"
    }

    public static let report = Iblagh_V1_Report.with {
        $0.category = .sextortion
        $0.description_p = "Un faux profil menace de publier des photos — تهديد بنشر صور"
        $0.occurredAt = at
        $0.residence = "القنيطرة"
        $0.residenceCountry = "MA"
        $0.victimIsMinor = true
        $0.reportedAccounts = [.with { $0.kind = .socialMediaAccount; $0.value = "fb.com/fake.profile"; $0.platform = "facebook" }]
        $0.reporter = .with { $0.fullName = "Amina"; $0.phone = "+212600000000" }
        $0.preferredLanguage = .arabic
        $0.evidence = [.with { $0.fileName = "capture.png"; $0.mediaType = "image/png"; $0.content = Data([0x89, 0x50, 0x4e, 0x47]) }]
    }

    /// Every payload type, keyed by the tag that names it.
    public static let all: [Iblagh_V1_MessageType: any BusPayload] = [
        .submitReport: Iblagh_V1_SubmitReport.with { $0.integratorReportKey = "acme-000042"; $0.report = report },
        .submitReportReply: Iblagh_V1_SubmitReportReply.with {
            $0.rejected = .with { $0.violations = [.with { $0.field = "report.residence"; $0.code = "required"; $0.reason = "say where you live" }] }
        },
        .reportAccepted: Iblagh_V1_ReportAccepted.with {
            $0.trackingID = "IBL-2026-7K3Q9XWD"; $0.category = .sextortion; $0.residence = "Kenitra"; $0.residenceCountry = "MA"
            $0.victimIsMinor = true; $0.channel = .bus; $0.submittedAt = at; $0.preferredLanguage = .french
        },
        .caseOpened: Iblagh_V1_CaseOpened.with {
            $0.trackingID = "IBL-2026-7K3Q9XWD"; $0.category = .fraud; $0.channel = .webForm; $0.submittedAt = at
            $0.occurredAt = at; $0.reporterAnonymous = true; $0.evidenceSha256 = [String(repeating: "ab", count: 32)]
            $0.reportedAccountCount = 2
        },
        .caseRouted: Iblagh_V1_CaseRouted.with {
            $0.trackingID = "IBL-2026-7K3Q9XWD"; $0.category = .terrorismPraiseOrIncitement; $0.priority = .urgent
            $0.territorialUnit = kenitra; $0.additionalUnits = [.with { $0.id = "MA-NATIONAL-TERRORISM" }]
            $0.prosecutionOffice = .with { $0.id = "MA-TPI-KENITRA-PARQUET" }; $0.regionCode = "04"; $0.provinceCode = "281"
            $0.ruleCodes = ["residence_matched", "terrorism_national_unit"]; $0.explanation = "Kénitra province"
            $0.routedAt = at; $0.referenceDataVersion = "2026.1"
        },
        .unitNotified: Iblagh_V1_UnitNotified.with {
            $0.trackingID = "IBL-1"; $0.unit = kenitra; $0.deliveryChannel = .webhook; $0.escalationLevel = 1
            $0.notifiedAt = at; $0.acknowledgeBy = at
        },
        .unitAcknowledged: Iblagh_V1_UnitAcknowledged.with { $0.trackingID = "IBL-1"; $0.unit = kenitra; $0.officerID = "off-17"; $0.acknowledgedAt = at },
        .escalated: Iblagh_V1_Escalated.with {
            $0.trackingID = "IBL-1"; $0.fromUnit = kenitra; $0.toUnit = .with { $0.id = "MA-NATIONAL-CYBERCRIME" }
            $0.level = 2; $0.reason = .acknowledgeDeadlineMissed; $0.escalatedAt = at
        },
        .complainantContacted: Iblagh_V1_ComplainantContacted.with {
            $0.trackingID = "IBL-1"; $0.unit = kenitra; $0.officerID = "off-17"; $0.method = .phone; $0.contactedAt = at
        },
        .caseCommand: Iblagh_V1_CaseCommand.with {
            $0.commandID = "cmd-1"; $0.trackingID = "IBL-1"
            $0.actor = .with { $0.role = .prosecutor; $0.organisationID = "MA-TPI-KENITRA-PARQUET"; $0.personID = "pr-3" }
            $0.prosecute = .with {
                $0.persons = [.with { $0.personID = "P1"; $0.charges = [.with { $0.description_p = "sexual extortion"; $0.legalReference = "Penal Code art. 538" }] }]
            }
        },
        .caseCommandReply: Iblagh_V1_CaseCommandReply.with {
            $0.commandID = "cmd-1"
            $0.refusal = .with { $0.code = "illegal_transition"; $0.reason = "case is ROUTED"; $0.currentState = .routed; $0.allowedNext = [.unitNotified, .dismissed] }
        },
        .caseFact: Iblagh_V1_CaseFact.with {
            $0.caseKey = "k-9f2"; $0.category = .sextortion; $0.priority = .normal; $0.regionCode = "04"
            $0.prosecutionOfficeID = "MA-TPI-KENITRA-PARQUET"; $0.stage = .judged; $0.reportedAt = at; $0.stageReachedAt = at
            $0.personsProsecuted = 2; $0.personsConvicted = 1; $0.personsAcquitted = 1
        },
        .errorReply: Iblagh_V1_ErrorReply.with { $0.code = .roleNotAllowed; $0.reason = "role integrator may not send CASE_FACT" },
        .consoleRequest: Iblagh_V1_ConsoleRequest.with { $0.acknowledge = .with { $0.trackingID = "IBL-2026-0Q3K7XWD2M4P"; $0.officerID = "off-12" } },
        .consoleReply: Iblagh_V1_ConsoleReply.with { $0.refused = .with { $0.code = "not_your_case"; $0.reason = "this case is not assigned to your unit" } },
        .reporterStatus: Iblagh_V1_ReporterStatus.with { $0.trackingID = "IBL-2026-0Q3K7XWD2M4P"; $0.step = "under_investigation"; $0.at = at },
        .consoleEvent: Iblagh_V1_ConsoleEvent.with {
            $0.case = .with { $0.trackingID = "IBL-2026-0Q3K7XWD2M4P"; $0.category = .sextortion; $0.priority = .urgent; $0.state = "notified"; $0.notifiedAt = at }
        },
    ]
}
