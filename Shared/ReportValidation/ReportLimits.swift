/// The sizes a report may have; every field is bounded, so no request can make intake store or process more.
public struct ReportLimits: Sendable {
    public var descriptionCharacters = 10_000
    public var residenceCharacters = 200
    public var reportedAccounts = 20
    public var accountValueCharacters = 2_048
    public var platformCharacters = 64
    public var nameCharacters = 200
    public var emailCharacters = 254
    public var integratorKeyCharacters = 128
    public var inlineEvidenceFiles = 5
    public var inlineEvidenceBytes = 8 * 1024 * 1024
    public var fileNameBytes = 255
    /// How far in the future `occurred_at` may be (clocks differ), and how far in the past.
    public var clockSkew: Duration = .seconds(300)
    public var earliestOccurrence = 631_152_000.0  // 1990-01-01

    public init() {}
}
