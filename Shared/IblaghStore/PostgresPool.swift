import Foundation

/// A fixed number of PostgreSQL connections, each lent to one transaction at a time; a transaction that finds them
/// all busy waits its turn. One more connection, never lent, holds the session locks of ``Store/lead(_:)``.
final class PostgresPool: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    private let lock = NSLock()
    private var idle: [PostgresConnection]
    private var waiting: [CheckedContinuation<PostgresConnection, Never>] = []
    private let leader: PostgresConnection
    /// The session locks held, by name, with the leader connection's session they were taken in.
    private var leading: [String: Int] = [:]

    init(conninfo: String, redacted: String, size: Int) {
        idle = (0..<size).map { PostgresConnection(conninfo: conninfo, redacted: redacted, label: "\($0)") }
        leader = PostgresConnection(conninfo: conninfo, redacted: redacted, label: "leader")
    }

    /// A connection for the store's own set-up, before any transaction runs.
    func connectionForSetup() -> PostgresConnection {
        lock.withLock { idle.removeLast() }
    }

    func acquire() async -> PostgresConnection {
        if let connection = lock.withLock({ idle.popLast() }) { return connection }
        return await withCheckedContinuation { continuation in
            lock.lock()
            if let connection = idle.popLast() {
                lock.unlock()
                continuation.resume(returning: connection)
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    func release(_ connection: PostgresConnection) {
        lock.lock()
        if waiting.isEmpty {
            idle.append(connection)
            lock.unlock()
        } else {
            let next = waiting.removeFirst()
            lock.unlock()
            next.resume(returning: connection)
        }
    }

    /// Whether this process holds the session lock `name`, taking it when free. A lock lives as long as the
    /// leader connection: when it drops (the process died, the server restarted), leadership is lost — this answers
    /// false until the lock is taken again — and another instance can take it.
    func lead(_ name: String) async -> Bool {
        let leader = leader
        let heldIn = lock.withLock { leading[name] }
        let session = try? await leader.run { () -> Int? in
            if let heldIn, heldIn == leader.session, (try? leader.execute("SELECT 1 AS alive", [], wantRows: true)) != nil {
                return heldIn
            }
            try leader.connect()
            let rows = try leader.execute("SELECT pg_try_advisory_lock(hashtext(?)) AS taken", [.text(name)], wantRows: true).rows
            return rows.first?.integer("taken") == 1 ? leader.session : nil
        }
        lock.withLock { leading[name] = session ?? nil }
        return session != nil
    }
}
