import Foundation
import IblaghSchemas
import Testing
@testable import Iblagh

@Suite("iblagh console: each case with the deadline it is held to")
struct ConsoleLineTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    static func item(_ state: String, acknowledgeIn: Double, contactIn: Double, level: UInt32 = 0) -> Iblagh_V1_ConsoleCase {
        .with {
            $0.trackingID = "IBL-2027-000000000001"
            $0.category = .sextortion
            $0.priority = .urgent
            $0.state = state
            $0.escalationLevel = level
            $0.acknowledgeBy = .init(date: now.addingTimeInterval(acknowledgeIn))
            $0.contactBy = .init(date: now.addingTimeInterval(contactIn))
        }
    }

    @Test("notified: the acknowledgement deadline, or OVERDUE once it passed; acknowledged: the contact deadline; contacted: none", arguments: [
        (item("notified", acknowledgeIn: 900, contactIn: 7200), "IBL-2027-000000000001  sextortion  URGENT  notified  acknowledge by 2027-01-15T08:15:00Z"),
        (item("notified", acknowledgeIn: -60, contactIn: 7200, level: 1),
         "IBL-2027-000000000001  sextortion  URGENT  notified  acknowledge OVERDUE since 2027-01-15T07:59:00Z (escalated to you, level 1)"),
        (item("acknowledged", acknowledgeIn: -60, contactIn: 7200), "IBL-2027-000000000001  sextortion  URGENT  acknowledged  contact the complainant by 2027-01-15T10:00:00Z"),
        (item("acknowledged", acknowledgeIn: -7200, contactIn: -1), "IBL-2027-000000000001  sextortion  URGENT  acknowledged  contact the complainant OVERDUE since 2027-01-15T07:59:59Z"),
        (item("contacted", acknowledgeIn: -7200, contactIn: -1), "IBL-2027-000000000001  sextortion  URGENT  contacted"),
    ])
    func line(_ item: Iblagh_V1_ConsoleCase, _ expected: String) {
        #expect(ConsoleCommand.line(item, now: Self.now) == expected)
    }
}
