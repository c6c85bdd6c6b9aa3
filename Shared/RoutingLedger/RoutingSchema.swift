import IblaghStore
import ReliableHop

/// The jurisdiction router's tables (beside the reliable hop's): every decision, first routing and each re-routing, kept.
public enum RoutingSchema {
    public static let migrations: [Migration] = HopSchema.migrations + [
        Migration("router-1", [
            // Version 1 is the router's own decision; higher versions are operators' re-routings, with a reason.
            """
            CREATE TABLE router_decision (
                tracking_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                decided_at REAL NOT NULL,
                category INTEGER NOT NULL,
                victim_is_minor INTEGER NOT NULL,
                territorial_unit TEXT NOT NULL,
                prosecution_office TEXT NOT NULL,
                province_code TEXT NOT NULL,
                priority INTEGER NOT NULL,
                rule_codes TEXT NOT NULL,
                explanation TEXT NOT NULL,
                data_version TEXT NOT NULL,
                decided_by TEXT NOT NULL,
                reason TEXT NOT NULL,
                PRIMARY KEY (tracking_id, version)) WITHOUT ROWID
            """,
        ])
    ]
}
