import IblaghSchemas

/// Every sentence of the citizen's web, by key; each language has all of them (a test fails on a missing one).
/// Texts are plain: the page escapes them. `%@` stands for a value filled in at render time.
enum WebText: String, CaseIterable, Sendable {
    case siteName, tagline, navReport, navFollow, navLearn, navStatistics, quickExit, quickExitHint, skipToContent, languageLabel
    case homeIntro, homeEmergency, homeStart
    case formTitle, formIntro, anonymousNote, fieldCategory, categoryHint, fieldDescription, descriptionHint
    case fieldOccurredAt, occurredAtHint, fieldResidence, residenceHint, fieldMinor, fieldAccounts, accountsHint
    case kindURL, kindAccount, kindPhone, kindEmail, identityLegend, identityHint, fieldFullName, fieldEmail, fieldPhone
    case fieldLanguage, fieldEvidence, evidenceHint, submit, uploading, optional
    case errorsTitle, errorRequired, errorInvalid, errorTooLong, errorInFuture, errorTooMany, errorContactNeeded
    case errorFile, errorFormExpired, errorTooManyRequests, errorTryLater
    case doneTitle, doneTrackingID, doneSecret, doneKeep, doneNext, doneEvidence
    case followTitle, followIntro, fieldTrackingID, fieldSecret, followSubmit, followNotFound, followTimeline, followReporters
    case stepReceived, stepWithPolice, stepUnderInvestigation, stepBeforeCourt, stepJudged, stepClosed
    case learnTitle, learnIntro, learnSigns, learnProtect, learnReportThis
    case forbiddenTitle, forbiddenText, footerPrivacy

    /// The catalogue of `language`.
    static func catalogue(_ language: WebLanguage) -> [WebText: String] {
        switch language {
        case .arabic: arabic
        case .french: french
        case .english: english
        case .spanish: spanish
        }
    }

    /// The reporter-facing step names of ``CaseStatus`` (`with_police` …).
    static func step(_ name: String) -> WebText? {
        switch name {
        case "received": .stepReceived
        case "with_police": .stepWithPolice
        case "under_investigation": .stepUnderInvestigation
        case "before_court": .stepBeforeCourt
        case "judged": .stepJudged
        case "closed": .stepClosed
        default: nil
        }
    }
}

/// What the web says about one category: its name in the user's words, a line under it in the form, and the
/// awareness page's two parts.
struct CategoryWords: Sendable {
    let name: String
    let summary: String
    let signs: String
    let protect: String
}

extension Iblagh_V1_ReportCategory {
    /// The categories a person can choose, in the order the form lists them.
    static let offered: [Iblagh_V1_ReportCategory] = [
        .sextortion, .childSexualExploitationMaterial, .minorsRightsViolation, .incitementToViolence,
        .terrorismPraiseOrIncitement, .fraud, .otherCybercrime,
    ]

    /// Its words in `language`.
    func words(_ language: WebLanguage) -> CategoryWords? {
        let all: [String: CategoryWords] =
            switch language {
            case .arabic: WebText.arabicCategories
            case .french: WebText.frenchCategories
            case .english: WebText.englishCategories
            case .spanish: WebText.spanishCategories
            }
        return all[shortName]
    }
}
