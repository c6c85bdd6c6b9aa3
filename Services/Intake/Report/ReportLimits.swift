/// The sizes a report may have; every field is bounded, so no request can make intake store or process more.
struct ReportLimits: Sendable {
    var descriptionCharacters = 10_000
    var residenceCharacters = 200
    var reportedAccounts = 20
    var accountValueCharacters = 2_048
    var platformCharacters = 64
    var nameCharacters = 200
    var emailCharacters = 254
    var integratorKeyCharacters = 128
    var inlineEvidenceFiles = 5
    var inlineEvidenceBytes = 8 * 1024 * 1024
    var fileNameBytes = 255
    /// How far in the future `occurred_at` may be (clocks differ), and how far in the past.
    var clockSkew: Duration = .seconds(300)
    var earliestOccurrence = 631_152_000.0  // 1990-01-01
}
