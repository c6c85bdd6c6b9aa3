import Foundation
import IblaghStore
import Testing

/// The kinds of store a service can run on; every test here runs on both.
public enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    /// A fresh location of this kind: a new SQLite file, or a new database on the tests' PostgreSQL server.
    public func freshLocation(_ name: String = #function) async throws -> StoreLocation {
        switch self {
        case .sqlite:
            .sqlite(path: "\(try temporaryDirectory(name))/service.db")
        case .postgres:
            .postgres(url: try await PostgresServer.database(name))
        }
    }
}
