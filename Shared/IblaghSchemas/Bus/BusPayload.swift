import SwiftProtobuf

/// A message that travels on the bus inside an ``Iblagh_V1_Envelope``, and the type tag that names it there.
public protocol BusPayload: SwiftProtobuf.Message {
    static var messageType: Iblagh_V1_MessageType { get }
}

extension Iblagh_V1_SubmitReport: BusPayload { public static var messageType: Iblagh_V1_MessageType { .submitReport } }
extension Iblagh_V1_SubmitReportReply: BusPayload { public static var messageType: Iblagh_V1_MessageType { .submitReportReply } }
extension Iblagh_V1_ReportAccepted: BusPayload { public static var messageType: Iblagh_V1_MessageType { .reportAccepted } }
extension Iblagh_V1_CaseOpened: BusPayload { public static var messageType: Iblagh_V1_MessageType { .caseOpened } }
extension Iblagh_V1_CaseRouted: BusPayload { public static var messageType: Iblagh_V1_MessageType { .caseRouted } }
extension Iblagh_V1_UnitNotified: BusPayload { public static var messageType: Iblagh_V1_MessageType { .unitNotified } }
extension Iblagh_V1_UnitAcknowledged: BusPayload { public static var messageType: Iblagh_V1_MessageType { .unitAcknowledged } }
extension Iblagh_V1_Escalated: BusPayload { public static var messageType: Iblagh_V1_MessageType { .escalated } }
extension Iblagh_V1_ComplainantContacted: BusPayload { public static var messageType: Iblagh_V1_MessageType { .complainantContacted } }
extension Iblagh_V1_CaseCommand: BusPayload { public static var messageType: Iblagh_V1_MessageType { .caseCommand } }
extension Iblagh_V1_CaseCommandReply: BusPayload { public static var messageType: Iblagh_V1_MessageType { .caseCommandReply } }
extension Iblagh_V1_CaseFact: BusPayload { public static var messageType: Iblagh_V1_MessageType { .caseFact } }
extension Iblagh_V1_ConsoleRequest: BusPayload { public static var messageType: Iblagh_V1_MessageType { .consoleRequest } }
extension Iblagh_V1_ConsoleReply: BusPayload { public static var messageType: Iblagh_V1_MessageType { .consoleReply } }
extension Iblagh_V1_ConsoleEvent: BusPayload { public static var messageType: Iblagh_V1_MessageType { .consoleEvent } }
extension Iblagh_V1_ReporterStatus: BusPayload { public static var messageType: Iblagh_V1_MessageType { .reporterStatus } }
extension Iblagh_V1_ErrorReply: BusPayload { public static var messageType: Iblagh_V1_MessageType { .errorReply } }

extension Iblagh_V1_MessageType {
    /// The Swift type of the payload this tag names, or nil for `.unspecified` and tags this build does not know.
    public var payloadType: (any BusPayload.Type)? {
        switch self {
        case .submitReport: Iblagh_V1_SubmitReport.self
        case .submitReportReply: Iblagh_V1_SubmitReportReply.self
        case .reportAccepted: Iblagh_V1_ReportAccepted.self
        case .caseOpened: Iblagh_V1_CaseOpened.self
        case .caseRouted: Iblagh_V1_CaseRouted.self
        case .unitNotified: Iblagh_V1_UnitNotified.self
        case .unitAcknowledged: Iblagh_V1_UnitAcknowledged.self
        case .escalated: Iblagh_V1_Escalated.self
        case .complainantContacted: Iblagh_V1_ComplainantContacted.self
        case .caseCommand: Iblagh_V1_CaseCommand.self
        case .caseCommandReply: Iblagh_V1_CaseCommandReply.self
        case .caseFact: Iblagh_V1_CaseFact.self
        case .errorReply: Iblagh_V1_ErrorReply.self
        case .consoleRequest: Iblagh_V1_ConsoleRequest.self
        case .consoleReply: Iblagh_V1_ConsoleReply.self
        case .consoleEvent: Iblagh_V1_ConsoleEvent.self
        case .reporterStatus: Iblagh_V1_ReporterStatus.self
        case .unspecified, .UNRECOGNIZED: nil
        }
    }
}
