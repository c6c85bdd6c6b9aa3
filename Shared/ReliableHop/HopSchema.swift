import IblaghStore

/// The tables of the reliable hop, added to every service's migrations.
public enum HopSchema {
    public static let migrations: [Migration] = [
        Migration("hop-1", [
            // Messages this service publishes, in commit order; a row lives until every group has it.
            """
            CREATE TABLE hop_outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL UNIQUE,
                type INTEGER NOT NULL,
                envelope BLOB NOT NULL,
                created_at REAL NOT NULL)
            """,
            // One row per (consumer group, message) not yet acknowledged: each group's delivery cursor.
            """
            CREATE TABLE hop_pending (
                consumer_group TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (consumer_group, seq)) WITHOUT ROWID
            """,
            "CREATE INDEX hop_pending_seq ON hop_pending (seq)",
            // Message ids this service applied (consumer side): a second delivery of one has no effect.
            """
            CREATE TABLE hop_inbox (
                message_id TEXT PRIMARY KEY,
                upstream TEXT NOT NULL,
                received_at REAL NOT NULL) WITHOUT ROWID
            """,
            "CREATE INDEX hop_inbox_recent ON hop_inbox (upstream, received_at)",
            // Messages a consumer group refused for good, kept for an operator to inspect and replay.
            """
            CREATE TABLE hop_dead_letter (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL,
                consumer_group TEXT NOT NULL,
                type INTEGER NOT NULL,
                envelope BLOB NOT NULL,
                reason TEXT NOT NULL,
                dead_at REAL NOT NULL)
            """,
        ])
    ]
}
