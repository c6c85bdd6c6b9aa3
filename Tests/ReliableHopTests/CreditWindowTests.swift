import Testing
@testable import ReliableHop

@Suite("The credit a consumer grants follows what it can commit within its lease")
struct CreditWindowTests {
    @Test("it starts small, opens to the configured credit for a consumer that keeps up, and narrows for a slow one, shared between the producers")
    func followsTheCommitRate() {
        var window = CreditWindow(limit: 1000, lease: .seconds(10), upstreams: 2)
        #expect(window.credit == CreditWindow.start)
        window.committed(500, in: .milliseconds(5))  // 100,000 a second
        #expect(window.credit == 1000)
        for _ in 0..<30 { window.committed(100, in: .seconds(1)) }  // 100 a second: 500 a lease's half, 250 each
        #expect((240...260).contains(window.credit), "\(window.credit)")
        for _ in 0..<30 { window.committed(1, in: .seconds(10)) }  // all but stuck: the floor, not zero
        #expect(window.credit == CreditWindow.floor)
    }

    @Test("a configured credit below the start or the floor is kept as configured")
    func smallConfiguredCredit() {
        var window = CreditWindow(limit: 5, lease: .seconds(10), upstreams: 1)
        #expect(window.credit == 5)
        window.committed(1, in: .seconds(10))
        #expect(window.credit == 5)
    }
}
