import CLibPQ
import Foundation

/// One libpq connection, used by one transaction at a time on its own thread (libpq blocks). Statements are
/// prepared once per connection and reused, as the SQLite store caches its statements.
final class PostgresConnection: @unchecked Sendable {
    // @unchecked: the pool hands a connection to one holder at a time, and the holder uses it only inside `run`,
    // on `queue`.
    private let conninfo: String
    private let redacted: String
    private var handle: OpaquePointer?
    private var prepared: [String: Statement] = [:]
    /// Counts the sessions this connection opened: session locks taken in one are gone in the next.
    private(set) var session = 0
    private let queue: DispatchQueue

    private struct Statement {
        let name: String
        /// The parameter types PostgreSQL inferred: a `bytea` parameter is sent in binary, the rest as text.
        let binary: [Bool]
    }

    init(conninfo: String, redacted: String, label: String) {
        self.conninfo = conninfo
        self.redacted = redacted
        self.queue = DispatchQueue(label: "iblagh.postgres.\(label)")
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Runs blocking libpq work off Swift's cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Connects, or reconnects after the server went away (a restart, a failover). Prepared statements die with
    /// the old session, so they are forgotten.
    func connect() throws {
        if let handle, PQstatus(handle) == CONNECTION_OK { return }
        if let handle { PQfinish(handle) }
        prepared.removeAll()
        handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let reason = handle.map { Self.firstLine(PQerrorMessage($0)) } ?? "out of memory"
            if let handle { PQfinish(handle) }
            self.handle = nil
            throw PostgresError(.connection, "cannot connect to \(redacted): \(reason)")
        }
        // Notices (e.g. "relation already exists, skipping") are not errors; libpq would print them to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        session += 1
    }

    var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Ends the session, and with it every session lock it holds; the next use connects again.
    func disconnect() {
        if let handle { PQfinish(handle) }
        handle = nil
        prepared.removeAll()
    }

    /// Commits the open transaction. PostgreSQL answers `COMMIT` on a transaction a failed statement aborted with
    /// success and the tag `ROLLBACK`; that is an error here, never a silent loss.
    func commit() throws {
        let result = try check(PQexec(try connected(), "COMMIT"), "COMMIT")
        defer { PQclear(result) }
        let tag = String(cString: PQcmdStatus(result))
        guard tag == "COMMIT" else {
            throw PostgresError(.statement, "\(redacted): the transaction was rolled back (a statement in it had failed)")
        }
    }

    /// Runs a statement without parameters (BEGIN, COMMIT, DDL).
    func command(_ sql: String) throws {
        let result = try check(PQexec(try connected(), sql), sql)
        PQclear(result)
    }

    /// Runs `sql` (portable SQL with `?` placeholders) and returns how many rows it changed and, for a query, its rows.
    func execute(_ sql: String, _ arguments: [StoreValue], wantRows: Bool) throws -> (changed: Int, rows: [StoreRow]) {
        let connection = try connected()
        let statement = try prepare(sql, on: connection)
        guard statement.binary.count == arguments.count else {
            throw PostgresError(.statement, "\(arguments.count) arguments for \(statement.binary.count) placeholders in: \(sql)")
        }
        var buffers: [[UInt8]?] = []
        var formats: [Int32] = []
        for (value, binary) in zip(arguments, statement.binary) {
            buffers.append(Self.encode(value, binary: binary))
            formats.append(binary ? 1 : 0)
        }
        let result = try withParameters(buffers) { values, lengths in
            try check(
                PQexecPrepared(connection, statement.name, Int32(arguments.count), values, lengths, formats, 0), sql)
        }
        defer { PQclear(result) }
        let changed = Int(String(cString: PQcmdTuples(result))) ?? 0
        return (changed, wantRows ? Self.rows(of: result) : [])
    }

    // MARK: Parameters and results

    private func prepare(_ sql: String, on connection: OpaquePointer) throws -> Statement {
        if let statement = prepared[sql] { return statement }
        let name = "s\(prepared.count + 1)"
        PQclear(try check(PQprepare(connection, name, PostgresDialect.placeholders(sql), 0, nil), sql))
        let description = try check(PQdescribePrepared(connection, name), sql)
        defer { PQclear(description) }
        let binary = (0..<PQnparams(description)).map { PQparamtype(description, $0) == Self.byteaOID }
        let statement = Statement(name: name, binary: binary)
        prepared[sql] = statement
        return statement
    }

    private static let byteaOID: Oid = 17

    /// The text (or, for bytea, binary) form PostgreSQL reads a parameter from; nil for NULL.
    private static func encode(_ value: StoreValue, binary: Bool) -> [UInt8]? {
        switch value {
        case .null: return nil
        case .integer(let value): return Array(String(value).utf8) + [0]
        case .real(let value): return Array("\(value)".utf8) + [0]
        case .text(let value): return binary ? Array(value.utf8) : Array(value.utf8) + [0]
        case .blob(let value): return binary ? value : Array(String(decoding: value, as: UTF8.self).utf8) + [0]
        }
    }

    private func withParameters<T>(
        _ buffers: [[UInt8]?], _ body: ([UnsafePointer<CChar>?], [Int32]) throws -> T
    ) throws -> T {
        // Copies into one allocation per call: libpq reads the parameters before PQexecPrepared returns.
        let total = buffers.reduce(0) { $0 + ($1?.count ?? 0) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, total), alignment: 1)
        defer { storage.deallocate() }
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int32] = []
        var offset = 0
        for buffer in buffers {
            guard let buffer else {
                pointers.append(nil)
                lengths.append(0)
                continue
            }
            let start = storage.baseAddress! + offset
            buffer.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            pointers.append(UnsafePointer(start.assumingMemoryBound(to: CChar.self)))
            lengths.append(Int32(buffer.count))
            offset += buffer.count
        }
        return try body(pointers, lengths)
    }

    private static func rows(of result: OpaquePointer) -> [StoreRow] {
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        return (0..<PQntuples(result)).map { row in
            StoreRow(columns: columns, values: (0..<columnCount).map { column in
                if PQgetisnull(result, row, column) == 1 { return .null }
                let length = Int(PQgetlength(result, row, column))
                let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                return value(bytes, type: types[Int(column)])
            })
        }
    }

    /// Text-format results read back as the store's values: integers (int2/4/8, oid, bool), reals (float4/8, and
    /// numeric with a fraction: SUM of bigints is numeric), blobs (bytea's `\x` hex), text for the rest.
    private static func value(_ bytes: UnsafeRawBufferPointer, type: Oid) -> StoreValue {
        let text = String(decoding: bytes, as: UTF8.self)
        switch type {
        case 20, 21, 23, 26: return Int64(text).map(StoreValue.integer) ?? .text(text)
        case 16: return .integer(text == "t" ? 1 : 0)
        case 700, 701: return Double(text).map(StoreValue.real) ?? .text(text)
        case 1700: return Int64(text).map(StoreValue.integer) ?? Double(text).map(StoreValue.real) ?? .text(text)
        case byteaOID: return .blob(hexDecoded(bytes.dropFirst(2)))
        default: return .text(text)
        }
    }

    private static func hexDecoded(_ hex: Slice<UnsafeRawBufferPointer>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(hex.count / 2)
        var high: UInt8?
        for character in hex {
            let nibble: UInt8 =
                switch character {
                case 0x30...0x39: character - 0x30
                case 0x61...0x66: character - 0x61 + 10
                default: character &- 0x41 &+ 10
                }
            if let value = high {
                output.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return output
    }

    // MARK: Errors

    private func connected() throws -> OpaquePointer {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(.connection, "the connection to \(redacted) is closed")
        }
        return handle
    }

    /// The result when it succeeded; otherwise it is cleared and thrown as an error naming the statement's class
    /// (SQLSTATE) and PostgreSQL's message — the statement's text only, never its arguments.
    private func check(_ result: OpaquePointer?, _ sql: String) throws -> OpaquePointer {
        guard let result else {
            throw PostgresError(.connection, "no answer from \(redacted): \(Self.firstLine(PQerrorMessage(handle)))")
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return result
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = Self.firstLine(PQresultErrorField(result, Int32(UInt8(ascii: "M"))) ?? PQerrorMessage(handle))
            PQclear(result)
            if state.isEmpty || !isConnected {
                throw PostgresError(.connection, "\(redacted): \(message)")
            }
            throw PostgresError(.init(sqlState: state), "\(redacted): \(message) [SQLSTATE \(state)] in: \(sql)")
        }
    }

    private static func firstLine(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        return String(cString: text).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}

/// A PostgreSQL failure: its kind decides whether the store may run the transaction again.
struct PostgresError: Error, CustomStringConvertible {
    /// The whole transaction is lost (a conflict, a dead session): a savepoint cannot recover it, the store runs it
    /// again from the start.
    static func abortsTransaction(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return false }
        return error.kind == .conflict || error.kind == .connection
    }

    enum Kind {
        /// The server is unreachable or the session died.
        case connection
        /// Another transaction won (serialization failure, deadlock): running the transaction again is safe.
        case conflict
        /// The disk is full (SQLSTATE 53100).
        case outOfSpace
        /// Anything else: the statement or the data is wrong.
        case statement

        init(sqlState: String) {
            switch sqlState {
            case "40001", "40P01": self = .conflict
            case "53100": self = .outOfSpace
            case _ where sqlState.hasPrefix("08") || sqlState.hasPrefix("57P"): self = .connection
            default: self = .statement
            }
        }
    }

    let kind: Kind
    let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    var description: String { message }
}
