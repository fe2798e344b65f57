/// The roles of a served warehouse's users, and which statements each may run.

import StarlingSQL

/// A user's role. Each role may do what the one before it may, and more:
/// - reader: queries (SELECT, system tables), EXPLAIN, SHOW and DESCRIBE, SET of session settings;
/// - loader: also INSERT and CREATE TABLE AS;
/// - admin: also DDL (CREATE/DROP/ALTER TABLE, views), COPY from a server file, and anything else.
public enum Role: String, Sendable, CaseIterable, Comparable {
    case reader
    case loader
    case admin

    var rank: Int {
        switch self {
        case .reader: return 0
        case .loader: return 1
        case .admin: return 2
        }
    }

    public static func < (left: Role, right: Role) -> Bool { left.rank < right.rank }

    /// What running `statement` needs: the least role, and the statement's kind for messages.
    public static func required(for statement: Statement) -> (role: Role, kind: String) {
        switch statement {
        case .query: return (.reader, "SELECT")
        case .explain: return (.reader, "EXPLAIN")
        case .show: return (.reader, "SHOW")
        case .set: return (.reader, "SET")
        case .insertValues, .insertQuery: return (.loader, "INSERT")
        case .createTableAs: return (.loader, "CREATE TABLE AS")
        case .createTable: return (.admin, "CREATE TABLE")
        case .dropTable: return (.admin, "DROP TABLE")
        case .alterTableAddColumn: return (.admin, "ALTER TABLE")
        case .createView: return (.admin, "CREATE VIEW")
        case .dropView: return (.admin, "DROP VIEW")
        // COPY reads files on the server's machine: only an admin may name them.
        // COPY FROM STDIN loads what the client sends; a file is on the server's machine: only an
        // admin may name one, to read or to write.
        case .copy(let copy) where copy.fromStandardInput: return (.loader, "COPY FROM STDIN")
        case .copy: return (.admin, "COPY from a file")
        case .copyTo(let copy) where copy.target == .standardOutput: return (.reader, "COPY TO STDOUT")
        case .copyTo: return (.admin, "COPY to a file")
        }
    }

    /// Nil when `role` may run `statement`; else the 42501 message naming the role and the kind.
    public static func denial(of statement: Statement, user: String, role: Role) -> String? {
        let (needed, kind) = required(for: statement)
        guard role < needed else { return nil }
        return "permission denied: user \"\(user)\" has role \(role.rawValue), which may not run \(kind) "
            + "(it needs role \(needed.rawValue))"
    }
}
