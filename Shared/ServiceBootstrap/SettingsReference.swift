// Generated from docs/configuration.md by generate.py in this folder: do not edit, run it again.

/// Every setting of every service as docs/configuration.md lists it, for each executable's `--help`.
enum SettingsReference {
    /// The settings every service reads.
    static let common: [SettingsHelp.Setting] = [
        .init(key: "log.level", type: "string", defaultValue: "info", meaning: "swift-log level: trace, debug, info, notice, warning, error, critical"),
        .init(key: "log.format", type: "string", defaultValue: "text", meaning: "text: one line per event, TIME LEVEL LOGGER: key=value … [SOURCE] message; json: one JSON object per line, {\"time\", \"level\", \"logger\", \"source\", \"message\", \"metadata\": {…}}, for a log collector (a setting that stops the service is then written as a JSON line too, level critical)"),
    ]

    /// Each service's summary and settings, by the name after `iblagh-` in its executable's.
    static let services: [String: SettingsHelp.Service] = [
        "intake": .init(
            summary: "iblagh-intake: the integrators' bus door, the JSON API, the citizen's web (report form, follow my report, awareness pages in four languages), evidence, and the reporter's status.",
            settings: [
                .init(key: "intake.id", type: "string", defaultValue: "intake-1", meaning: "this instance's name (the producer of its messages)"),
                .init(key: "intake.database", type: "path or URL", defaultValue: "state/<id>/intake.db", meaning: "its SQLite file, or a postgresql://user@host:port/db URL (see docs/operations.md#postgresql)"),
                .init(key: "intake.key", type: "path", defaultValue: "required", meaning: "its CURVE secret certificate (NAME.key_secret)"),
                .init(key: "intake.integrators", type: "directory", defaultValue: "required", meaning: "public certificates of integrators, role integrator:NAME or web"),
                .init(key: "intake.consumers", type: "directory", defaultValue: "required", meaning: "public certificates of its dispatch consumers, role router or tracker"),
                .init(key: "intake.dataKey", type: "path", defaultValue: "required", meaning: "the data key file sealing personal data and evidence"),
                .init(key: "intake.knownMaterial", type: "path", defaultValue: "none", meaning: "SHA-256 list of known material; a matching evidence file is quarantined"),
                .init(key: "intake.bus.endpoint", type: "endpoint", defaultValue: "tcp://127.0.0.1:7101", meaning: "the integrators' submission ROUTER"),
                .init(key: "intake.dispatch.endpoint", type: "endpoint", defaultValue: "tcp://127.0.0.1:7102", meaning: "its dispatch ROUTER (ReportAccepted, CaseOpened)"),
                .init(key: "intake.trackers", type: "upstreams", defaultValue: "none", meaning: "tracker instances: their reporter steps fill the status page"),
                .init(key: "intake.hop.lingerMilliseconds", type: "int 0–1000", defaultValue: "2", meaning: "how long a few reporter steps from the trackers wait for more before they are committed together (docs/configuration.md#hop-linger)"),
                .init(key: "intake.http.host", type: "string", defaultValue: "127.0.0.1", meaning: "the JSON API's address"),
                .init(key: "intake.http.port", type: "int 0–65535", defaultValue: "8080", meaning: "the JSON API's port (0: any free port)"),
                .init(key: "intake.http.idleTimeoutSeconds", type: "seconds", defaultValue: "30", meaning: "a connection that sends nothing for this long is closed (half-open and stalled clients)"),
                .init(key: "intake.http.bodyGraceSeconds", type: "seconds", defaultValue: "10", meaning: "a request body may take this long, plus its size at the minimum rate …"),
                .init(key: "intake.http.minimumBytesPerSecond", type: "int", defaultValue: "1024", meaning: "… after which a slower body is cut off with 408 (slow-body attacks)"),
                .init(key: "intake.receipt.scryptLogN", type: "int 4–20", defaultValue: "10", meaning: "scrypt cost of receipt hashes: n = 2^value (1 MiB and ~1.5 ms at 10)"),
                .init(key: "intake.rateLimit.perMinute", type: "int", defaultValue: "30", meaning: "report submissions and uploads per client address per minute"),
                .init(key: "intake.rateLimit.burst", type: "int", defaultValue: "10", meaning: "… of which at once"),
                .init(key: "intake.statusLimit.perMinute", type: "int", defaultValue: "20", meaning: "status lookups per client address per minute (burst 5)"),
                .init(key: "intake.evidence.maxMiB", type: "int 1–100", defaultValue: "20", meaning: "the largest evidence file"),
                .init(key: "intake.web.statisticsURL", type: "URL", defaultValue: "none", meaning: "the public statistics page, linked from every page of the citizen's web"),
            ]),
        "router": .init(
            summary: "iblagh-router: decides the competent unit and prosecution office of every report.",
            settings: [
                .init(key: "router.id", type: "string", defaultValue: "router-1", meaning: "this instance's name (its consumer id and the producer of its messages)"),
                .init(key: "router.database", type: "path or URL", defaultValue: "state/<id>/router.db", meaning: "its SQLite file, or a postgresql://user@host:port/db URL (see docs/operations.md#postgresql)"),
                .init(key: "router.key", type: "path", defaultValue: "required", meaning: "its CURVE secret certificate"),
                .init(key: "router.upstreams", type: "upstreams", defaultValue: "required", meaning: "intake instances"),
                .init(key: "router.hop.lingerMilliseconds", type: "int 0–1000", defaultValue: "2", meaning: "how long a few reports from intake wait for more before they are committed together (docs/configuration.md#hop-linger)"),
                .init(key: "router.consumers", type: "directory", defaultValue: "required", meaning: "its consumers' public certificates, role notifier:REGION[,notifier:REGION...] (REGION a code of the reference data such as 04, or national; another is warned of at the start: that notifier would receive nothing) or tracker"),
                .init(key: "router.dispatch.endpoint", type: "endpoint", defaultValue: "tcp://127.0.0.1:7202", meaning: "its dispatch ROUTER (CaseRouted)"),
                .init(key: "router.reference.file", type: "path", defaultValue: "deploy/reference/morocco-territory.json", meaning: "the territory and units file; a replaced file is loaded without a restart"),
                .init(key: "router.reference.checkSeconds", type: "seconds", defaultValue: "2", meaning: "how often the file is checked for a replacement"),
                .init(key: "router.http.host", type: "string", defaultValue: "127.0.0.1", meaning: "probes and metrics address"),
                .init(key: "router.http.port", type: "int 0–65535", defaultValue: "8202", meaning: "probes and metrics port (0: any free port)"),
            ]),
        "notifier": .init(
            summary: "iblagh-notifier: puts each case on the competent unit's console, watches deadlines, calls webhooks. One instance per region or group of regions.",
            settings: [
                .init(key: "notifier.id", type: "string", defaultValue: "notifier-1", meaning: "this instance's name"),
                .init(key: "notifier.database", type: "path or URL", defaultValue: "state/<id>/notifier.db", meaning: "its SQLite file, or a postgresql://user@host:port/db URL (see docs/operations.md#postgresql)"),
                .init(key: "notifier.key", type: "path", defaultValue: "required", meaning: "its CURVE secret certificate; its role at the routers names its groups"),
                .init(key: "notifier.regions", type: "list", defaultValue: "required", meaning: "region codes it serves (04,06), and/or national for the national units' cases; each once"),
                .init(key: "notifier.upstreams", type: "upstreams", defaultValue: "required", meaning: "router instances"),
                .init(key: "notifier.hop.lingerMilliseconds", type: "int 0–1000", defaultValue: "2", meaning: "how long a few routed cases wait for more before they are committed together (docs/configuration.md#hop-linger)"),
                .init(key: "notifier.consumers", type: "directory", defaultValue: "required", meaning: "public certificates of its consumers (role tracker)"),
                .init(key: "notifier.consoles", type: "directory", defaultValue: "required", meaning: "unit consoles' public certificates, role unit:UNIT_ID"),
                .init(key: "notifier.units", type: "path", defaultValue: "none (built-in defaults)", meaning: "the unit directory: deadlines, webhooks per unit"),
                .init(key: "notifier.dispatch.endpoint", type: "endpoint", defaultValue: "tcp://127.0.0.1:7302", meaning: "its dispatch ROUTER (to the tracker)"),
                .init(key: "notifier.console.endpoint", type: "endpoint", defaultValue: "tcp://127.0.0.1:7301", meaning: "the unit consoles' ROUTER"),
                .init(key: "notifier.clock", type: "string", defaultValue: "system", meaning: "system, or file:PATH (seconds since 1970 read from PATH; for tests)"),
                .init(key: "notifier.tickSeconds", type: "seconds", defaultValue: "1", meaning: "how often deadlines and webhooks are checked"),
                .init(key: "notifier.webhook.retrySeconds", type: "seconds", defaultValue: "2", meaning: "the first webhook retry delay (doubling, at most 300)"),
                .init(key: "notifier.webhook.timeoutSeconds", type: "seconds", defaultValue: "10", meaning: "a webhook request's timeout"),
                .init(key: "notifier.http.host", type: "string", defaultValue: "127.0.0.1", meaning: "probes and metrics address"),
                .init(key: "notifier.http.port", type: "int 0–65535", defaultValue: "8302", meaning: "probes and metrics port"),
            ]),
        "tracker": .init(
            summary: "iblagh-tracker: the case file — investigation, prosecution, judgment — and its tamper-evident history.",
            settings: [
                .init(key: "tracker.id", type: "string", defaultValue: "tracker-1", meaning: "this instance's name"),
                .init(key: "tracker.database", type: "path or URL", defaultValue: "state/<id>/tracker.db", meaning: "its SQLite file, or a postgresql://user@host:port/db URL — several tracker instances may share one (see docs/operations.md#postgresql)"),
                .init(key: "tracker.key", type: "path", defaultValue: "required", meaning: "its CURVE secret certificate (enrolled upstream as tracker)"),
                .init(key: "tracker.intakes", type: "upstreams", defaultValue: "required", meaning: "intake instances (CaseOpened)"),
                .init(key: "tracker.routers", type: "upstreams", defaultValue: "required", meaning: "router instances (CaseRouted)"),
                .init(key: "tracker.notifiers", type: "upstreams", defaultValue: "none", meaning: "notifier instances (unit notified, acknowledged, escalated, complainant contacted)"),
                .init(key: "tracker.hop.lingerMilliseconds", type: "int 0–1000", defaultValue: "2", meaning: "how long a few events from the other stages wait for more before they are committed together (docs/configuration.md#hop-linger)"),
                .init(key: "tracker.consumers", type: "directory", defaultValue: "required", meaning: "its consumers' public certificates (role statistics or intake)"),
                .init(key: "tracker.actors", type: "directory", defaultValue: "required", meaning: "officers' and prosecutors' public certificates (officer:UNIT, prosecutor:OFFICE)"),
                .init(key: "tracker.factKey", type: "path", defaultValue: "required", meaning: "a data key file; its current key keys the statistics facts' case keys"),
                .init(key: "tracker.dispatch.endpoint", type: "endpoint", defaultValue: "tcp://127.0.0.1:7402", meaning: "its dispatch ROUTER (facts, reporter steps)"),
                .init(key: "tracker.commands.endpoint", type: "endpoint", defaultValue: "tcp://127.0.0.1:7401", meaning: "the officers' and prosecutors' ROUTER"),
                .init(key: "tracker.replayFacts", type: "bool", defaultValue: "false", meaning: "on start, send statistics every case's facts again (to rebuild a statistics store)"),
                .init(key: "tracker.http.host", type: "string", defaultValue: "127.0.0.1", meaning: "probes and metrics address"),
                .init(key: "tracker.http.port", type: "int 0–65535", defaultValue: "8402", meaning: "probes and metrics port"),
            ]),
        "statistics": .init(
            summary: "iblagh-statistics: the annual report, the funnel and the time figures, public (suppressed) and internal.",
            settings: [
                .init(key: "statistics.id", type: "string", defaultValue: "statistics-1", meaning: "this instance's name"),
                .init(key: "statistics.database", type: "path or URL", defaultValue: "state/<id>/statistics.db", meaning: "its SQLite file, or a postgresql://user@host:port/db URL (see docs/operations.md#postgresql)"),
                .init(key: "statistics.key", type: "path", defaultValue: "required", meaning: "its CURVE secret certificate (enrolled at the trackers as statistics)"),
                .init(key: "statistics.trackers", type: "upstreams", defaultValue: "required", meaning: "tracker instances"),
                .init(key: "statistics.hop.lingerMilliseconds", type: "int 0–1000", defaultValue: "2", meaning: "how long a few facts wait for more before they are committed together (docs/configuration.md#hop-linger)"),
                .init(key: "statistics.suppressionThreshold", type: "int 1–1000", defaultValue: "5", meaning: "public outputs hide counts below this"),
                .init(key: "statistics.operatorKey", type: "path", defaultValue: "none", meaning: "a file holding the operator key that unlocks internal (unsuppressed) reports"),
                .init(key: "statistics.http.host", type: "string", defaultValue: "127.0.0.1", meaning: "the reports, probes and metrics address"),
                .init(key: "statistics.http.port", type: "int 0–65535", defaultValue: "8502", meaning: "the reports, probes and metrics port"),
            ]),
    ]
}
