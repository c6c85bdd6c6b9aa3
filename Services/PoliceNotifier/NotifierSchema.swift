import IblaghStore
import ReliableHop

/// The notifier's tables (beside the reliable hop's). Deadlines are rows, not timers in memory: a restarted
/// notifier finds them and fires what fell due while it was down.
enum NotifierSchema {
    static let migrations: [Migration] = HopSchema.migrations + [
        Migration("notifier-1", [
            """
            CREATE TABLE notifier_case (
                tracking_id TEXT PRIMARY KEY,
                category INTEGER NOT NULL,
                priority INTEGER NOT NULL,
                region TEXT NOT NULL,
                competent_unit TEXT NOT NULL,
                explanation TEXT NOT NULL,
                routed_version INTEGER NOT NULL,
                state TEXT NOT NULL,
                level INTEGER NOT NULL,
                acknowledged_unit TEXT,
                acknowledged_at REAL,
                contacted_at REAL) WITHOUT ROWID
            """,
            // Every unit told about a case (the competent one at level 0, then each escalation), in order: consoles
            // are pushed what is new by `seq`.
            """
            CREATE TABLE notifier_assignment (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                tracking_id TEXT NOT NULL,
                unit_id TEXT NOT NULL,
                level INTEGER NOT NULL,
                notified_at REAL NOT NULL,
                acknowledge_by REAL NOT NULL,
                contact_by REAL NOT NULL,
                UNIQUE (tracking_id, unit_id, level))
            """,
            "CREATE INDEX notifier_assignment_unit ON notifier_assignment (unit_id, tracking_id)",
            // The next deadline of each case: 'acknowledge' until a unit takes it, then 'contact'.
            """
            CREATE TABLE notifier_deadline (
                tracking_id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                due_at REAL NOT NULL) WITHOUT ROWID
            """,
            "CREATE INDEX notifier_deadline_due ON notifier_deadline (due_at)",
            // Webhook deliveries still owed or done; retried with backoff until the receiver answers 2xx.
            """
            CREATE TABLE notifier_webhook (
                delivery_id TEXT PRIMARY KEY,
                unit_id TEXT NOT NULL,
                body BLOB NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at REAL NOT NULL,
                delivered_at REAL) WITHOUT ROWID
            """,
            "CREATE INDEX notifier_webhook_due ON notifier_webhook (delivered_at, next_attempt_at)",
        ])
    ]
}
