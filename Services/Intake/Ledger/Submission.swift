import IblaghSchemas

/// A report as it arrives, with who sent it and the sender's own key for it.
struct Submission: Sendable {
    var report: Iblagh_V1_Report
    /// Who submitted: `integrator:NAME` (the bus role of its key), `web` or `http`.
    var client: String
    /// The client's own id for this report; a retry with the same one gets the same answer. Nil: no idempotency.
    var clientKey: String?
    var channel: Iblagh_V1_Channel
}

/// The answer to an accepted submission: what the reporter needs to follow the case.
struct Acceptance: Sendable, Equatable {
    let trackingID: String
    let receiptSecret: String
    /// This answers a retry of a report accepted before.
    let duplicate: Bool
    /// How many reports (this one included) name one of the same accounts, URLs or numbers.
    let reportersInBundle: Int
}

/// A client key already used for a different report: the answer is a refusal naming the key, never the first
/// report's receipt (the client would take its second report for a retry of the first, and lose it).
struct ClientKeyReused: Error, CustomStringConvertible {
    var description: String { "this key was used for a different report" }

    /// What the bus and the JSON API answer, naming the key's field (`integrator_report_key`, `Idempotency-Key`).
    static func violation(field: String) -> Iblagh_V1_FieldViolation {
        .with {
            $0.field = field
            $0.code = "reused"
            $0.reason = "This key was used for a different report. Use a new key for a new report; a retry must send the same report."
        }
    }
}
