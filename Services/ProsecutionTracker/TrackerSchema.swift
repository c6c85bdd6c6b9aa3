import IblaghStore
import ReliableHop

/// The case file's tables (beside the reliable hop's). Persons are pseudonymous ids; no names, contacts or
/// narratives live here.
enum TrackerSchema {
    static let migrations: [Migration] = HopSchema.migrations + [
        Migration("tracker-1", [
            """
            CREATE TABLE tracker_case (
                tracking_id TEXT PRIMARY KEY,
                state INTEGER NOT NULL,
                category INTEGER NOT NULL DEFAULT 0,
                priority INTEGER NOT NULL DEFAULT 0,
                region TEXT NOT NULL DEFAULT '',
                unit_id TEXT NOT NULL DEFAULT '',
                unit_name TEXT NOT NULL DEFAULT '',
                office_id TEXT NOT NULL DEFAULT '',
                office_name TEXT NOT NULL DEFAULT '',
                acknowledged_unit TEXT NOT NULL DEFAULT '',
                bundled_into TEXT NOT NULL DEFAULT '',
                reported_at REAL NOT NULL DEFAULT 0,
                updated_at REAL NOT NULL) WITHOUT ROWID
            """,
            """
            CREATE TABLE tracker_person (
                tracking_id TEXT NOT NULL,
                person_id TEXT NOT NULL,
                charges BLOB NOT NULL,
                verdict INTEGER NOT NULL DEFAULT 0,
                sentence BLOB,
                court_id TEXT NOT NULL DEFAULT '',
                judged_at REAL,
                PRIMARY KEY (tracking_id, person_id)) WITHOUT ROWID
            """,
            // Commands already answered, by the caller's role and command id: a retry gets the stored answer.
            """
            CREATE TABLE tracker_command (
                role TEXT NOT NULL,
                command_id TEXT NOT NULL,
                reply BLOB NOT NULL,
                at REAL NOT NULL,
                PRIMARY KEY (role, command_id)) WITHOUT ROWID
            """,
            // The tamper-evident history: each entry's hash covers the previous entry's hash (globally and within
            // its case) and its own content (see HistoryChain).
            """
            CREATE TABLE tracker_history (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                tracking_id TEXT NOT NULL,
                case_seq INTEGER NOT NULL,
                at_us INTEGER NOT NULL,
                kind TEXT NOT NULL,
                body TEXT NOT NULL,
                prev TEXT NOT NULL,
                case_prev TEXT NOT NULL,
                hash TEXT NOT NULL)
            """,
            "CREATE UNIQUE INDEX tracker_history_case ON tracker_history (tracking_id, case_seq)",
        ]),
        // The key of the case's facts, chosen when the case is first written (`CaseFile.caseKey`); empty for the
        // cases opened before, which keep the keyed hash alone.
        Migration("tracker-2", ["ALTER TABLE tracker_case ADD COLUMN case_key TEXT NOT NULL DEFAULT ''"]),
        // Where the case's own history chain ends (`HistoryChain.Head`), so appending an entry reads none of the
        // case's past ones; the cases written before take theirs from their entries.
        Migration("tracker-3", [
            "ALTER TABLE tracker_case ADD COLUMN history_seq INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE tracker_case ADD COLUMN history_hash TEXT NOT NULL DEFAULT ''",
            """
            UPDATE tracker_case SET
                history_seq = COALESCE((SELECT MAX(h.case_seq) FROM tracker_history h WHERE h.tracking_id = tracker_case.tracking_id), 0),
                history_hash = COALESCE((SELECT h.hash FROM tracker_history h WHERE h.tracking_id = tracker_case.tracking_id
                    ORDER BY h.case_seq DESC LIMIT 1), '')
            """,
        ]),
    ]
}
