import Foundation
import IblaghStore
import IblaghSchemas
import Logging
import Metrics
import ReliableHop
import ReportValidation

/// What every door (bus, JSON API, web form) calls: validate, commit, wake the dispatcher, count.
final class ReportIntake: Sendable {
    let ledger: ReportLedger
    let validator: ReportValidator
    let producer: String
    private let dispatcher: Dispatcher?
    private let logger: Logger

    init(ledger: ReportLedger, validator: ReportValidator, dispatcher: Dispatcher?, producer: String, logger: Logger) {
        self.ledger = ledger
        self.validator = validator
        self.dispatcher = dispatcher
        self.producer = producer
        self.logger = logger
    }

    /// Bus submissions answered together, on the calling thread: the valid ones are committed in one transaction
    /// (``ReportLedger/acceptNow(_:now:)``), and the dispatcher is told once. One result per request, in order; a
    /// failure means nothing of that report is stored.
    func submitNow(_ requests: [BusSubmission]) -> [Result<Iblagh_V1_SubmitReportReply, Error>] {
        let started = ContinuousClock.now
        var replies = [Result<Iblagh_V1_SubmitReportReply, Error>?](repeating: nil, count: requests.count)
        var valid: [(index: Int, submission: Submission)] = []
        for (index, request) in requests.enumerated() {
            let violations = validator.violations(of: request.submit)
            if violations.isEmpty {
                valid.append((index, Self.submission(request.submit, client: request.client, channel: request.channel)))
            } else {
                replies[index] = .success(.rejected(violations, channel: request.channel))
            }
        }
        let outcomes: [Result<Acceptance, Error>]
        do {
            outcomes = try ledger.acceptNow(valid.map(\.submission))
        } catch {
            outcomes = Array(repeating: .failure(error), count: valid.count)
        }
        for ((index, submission), outcome) in zip(valid, outcomes) {
            switch outcome {
            case .success(let acceptance):
                recordAcceptance(acceptance, channel: submission.channel, since: started)
                replies[index] = .success(.accepted(acceptance))
            case .failure(is ClientKeyReused):
                replies[index] = .success(.rejected([ClientKeyReused.violation(field: "integrator_report_key")], channel: submission.channel))
            case .failure(let error):
                replies[index] = .failure(error)
            }
        }
        if let dispatcher, outcomes.contains(where: { (try? $0.get())?.duplicate == false }) {
            dispatcher.outboxChangedSoon()
        }
        return replies.map { $0 ?? .failure(StoreError("the submission was not handled")) }
    }

    /// One request of ``submitNow(_:)``.
    struct BusSubmission: Sendable {
        let submit: Iblagh_V1_SubmitReport
        let client: String
        let channel: Iblagh_V1_Channel
    }

    private static func submission(_ submit: Iblagh_V1_SubmitReport, client: String, channel: Iblagh_V1_Channel) -> Submission {
        Submission(report: submit.report, client: client, clientKey: submit.integratorReportKey, channel: channel)
    }

    /// Commits a validated submission and tells the dispatcher its outbox grew.
    func accept(_ submission: Submission) async throws -> Acceptance {
        let started = ContinuousClock.now
        let acceptance = try await ledger.accept(submission)
        await dispatcher?.outboxChanged()
        recordAcceptance(acceptance, channel: submission.channel, since: started)
        return acceptance
    }

    /// Counts, times and logs an acceptance (its tracking id and channel, nothing of the report).
    private func recordAcceptance(_ acceptance: Acceptance, channel: Iblagh_V1_Channel, since started: ContinuousClock.Instant) {
        let channel = Self.channelLabel(channel)
        IntakeMetrics.shared.count(channel: channel, outcome: acceptance.duplicate ? "duplicate" : "accepted")
        IntakeMetrics.shared.acceptTime(channel: channel).recordInterval(since: started)
        logger.info("report accepted", metadata: ["tracking_id": "\(acceptance.trackingID)", "channel": "\(channel)", "duplicate": "\(acceptance.duplicate)"])
    }

    static func channelLabel(_ channel: Iblagh_V1_Channel) -> String {
        switch channel {
        case .webForm: "web"
        case .httpApi: "http"
        case .bus: "bus"
        default: "unknown"
        }
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}

extension Iblagh_V1_SubmitReportReply {
    static func accepted(_ acceptance: Acceptance) -> Self {
        .with {
            $0.accepted = .with {
                $0.trackingID = acceptance.trackingID
                $0.receiptSecret = acceptance.receiptSecret
                $0.duplicate = acceptance.duplicate
            }
        }
    }

    static func rejected(_ violations: [Iblagh_V1_FieldViolation], channel: Iblagh_V1_Channel) -> Self {
        IntakeMetrics.shared.count(channel: ReportIntake.channelLabel(channel), outcome: "rejected")
        return .with { $0.rejected = .with { $0.violations = violations } }
    }
}

/// Intake's metrics, made once (creating a metric per report costs a registry lookup each time):
/// `iblagh_intake_reports_total{channel, outcome}` and `iblagh_intake_accept_seconds{channel}`.
struct IntakeMetrics: Sendable {
    static let shared = IntakeMetrics()
    static let channels = ["bus", "http", "web", "unknown"]
    private let counters: [String: Counter]
    private let timers: [String: Timer]

    init() {
        var counters: [String: Counter] = [:]
        var timers: [String: Timer] = [:]
        for channel in Self.channels {
            for outcome in ["accepted", "duplicate", "rejected"] {
                counters["\(channel)/\(outcome)"] = Counter(label: "iblagh_intake_reports_total", dimensions: [("channel", channel), ("outcome", outcome)])
            }
            timers[channel] = Timer(label: "iblagh_intake_accept_seconds", dimensions: [("channel", channel)])
        }
        self.counters = counters
        self.timers = timers
    }

    func count(channel: String, outcome: String) {
        counters["\(channel)/\(outcome)"]?.increment()
    }

    func acceptTime(channel: String) -> Timer {
        timers[channel] ?? Timer(label: "iblagh_intake_accept_seconds", dimensions: [("channel", channel)])
    }
}
