import IblaghStore

/// The tables of the reliable hop, added to every service's migrations.
public enum HopSchema {
    public static let migrations: [Migration] = [
        Migration("hop-1", [
            // Messages this service publishes, in commit order, with the consumer groups each is for
            // (",router,tracker,"). A row lives until every group it is for has acknowledged it.
            """
            CREATE TABLE hop_outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL UNIQUE,
                type INTEGER NOT NULL,
                envelope BLOB NOT NULL,
                groups TEXT NOT NULL,
                created_at REAL NOT NULL)
            """,
            // Each group's delivery cursor: every row up to `acked_through` is acknowledged by that group. Rows after it
            // that were acknowledged are only known in memory; after a crash they are delivered again, and the
            // consumers' inboxes absorb them.
            """
            CREATE TABLE hop_cursor (
                consumer_group TEXT PRIMARY KEY,
                acked_through INTEGER NOT NULL) WITHOUT ROWID
            """,
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
