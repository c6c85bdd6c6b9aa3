import IblaghStore
import ReliableHop

/// Intake's tables (beside the reliable hop's). Personal data is only ever stored sealed (AES-256-GCM under the
/// data key, with the tracking id as associated data, so a sealed blob cannot be moved to another report).
enum IntakeSchema {
    static let migrations: [Migration] = HopSchema.migrations + [
        Migration("intake-1", [
            // One row per accepted report. `sealed_report` holds the whole report as submitted (description,
            // residence, accounts, reporter) minus inline evidence; the clear columns are what statistics and routing
            // may know anyway.
            """
            CREATE TABLE intake_report (
                tracking_id TEXT PRIMARY KEY,
                category INTEGER NOT NULL,
                channel INTEGER NOT NULL,
                victim_is_minor INTEGER NOT NULL,
                submitted_at REAL NOT NULL,
                sealed_report BLOB NOT NULL,
                receipt_salt BLOB NOT NULL,
                receipt_hash BLOB NOT NULL,
                receipt_cost TEXT NOT NULL,
                bundle_id TEXT NOT NULL) WITHOUT ROWID
            """,
            // The caller's own key for a submission (integrator report key, HTTP Idempotency-Key): a retry finds the
            // report it created. The receipt secret is kept sealed only so a retry can be answered with it.
            """
            CREATE TABLE intake_submission (
                client TEXT NOT NULL,
                client_key TEXT NOT NULL,
                tracking_id TEXT NOT NULL REFERENCES intake_report (tracking_id),
                sealed_receipt BLOB NOT NULL,
                PRIMARY KEY (client, client_key)) WITHOUT ROWID
            """,
            // Keyed hashes (HMAC under a key derived from the data key) of the normalised accounts, URLs and numbers a
            // report names: a later report naming one of them joins the earlier report's bundle.
            """
            CREATE TABLE intake_account (
                account_hash BLOB NOT NULL,
                tracking_id TEXT NOT NULL,
                PRIMARY KEY (account_hash, tracking_id)) WITHOUT ROWID
            """,
            // Bundles of two or more reports (a report alone is a bundle of one, with no row here).
            "CREATE TABLE intake_bundle (bundle_id TEXT PRIMARY KEY, reporters INTEGER NOT NULL) WITHOUT ROWID",
            // The reporter's view of the case after "received" (the report row itself): one row per step, filled in
            // as later stages report back.
            """
            CREATE TABLE intake_status (
                tracking_id TEXT NOT NULL,
                step TEXT NOT NULL,
                at REAL NOT NULL,
                PRIMARY KEY (tracking_id, step)) WITHOUT ROWID
            """,
            // Evidence: metadata in clear (hash, type, size), the name sealed, the bytes sealed in chunks. Name and chunks
            // carry the random `token` (and the chunk's position) as associated data: they open only in their place.
            """
            CREATE TABLE intake_evidence (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                tracking_id TEXT NOT NULL REFERENCES intake_report (tracking_id),
                token TEXT NOT NULL UNIQUE,
                sealed_name BLOB NOT NULL,
                media_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                quarantined INTEGER NOT NULL,
                received_at REAL NOT NULL)
            """,
            """
            CREATE TABLE intake_evidence_chunk (
                evidence_id INTEGER NOT NULL REFERENCES intake_evidence (id),
                position INTEGER NOT NULL,
                sealed BLOB NOT NULL,
                PRIMARY KEY (evidence_id, position)) WITHOUT ROWID
            """,
        ]),
        // The SHA-256 of the report a client key was first used for, sealed like personal data: a key used again for
        // a different report is refused. Null for keys recorded before: those answer any report as a retry.
        Migration("intake-2", ["ALTER TABLE intake_submission ADD COLUMN sealed_request_hash BLOB"]),
    ]
}
