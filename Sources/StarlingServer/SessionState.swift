/// What one connection's session holds between statements: its user, the client settings, the
/// transaction status, and the engine its statements run on.

import NIOConcurrencyHelpers
import StarlingEngine
import StarlingExecution
import StarlingWire

/// What the server says it is.
public enum ServerIdentity {
    /// `server_version`: what clients read to decide which features to use. Starling speaks the
    /// protocol and the SQL of a PostgreSQL 15 client's common queries.
    public static let serverVersion = "15.0 (Starling)"
    /// `current_database()` and `information_schema`'s `table_catalog` for every client.
    public static let databaseName = "starling"
}

/// A session's state, read and changed by the worker running its statements and by the event
/// loop answering its messages (hence the lock).
final class SessionState: @unchecked Sendable {
    let user: String
    /// What the user may run (admin for a loopback client of a warehouse without users).
    let role: Role
    let database: String
    /// The connection's engine: its own session settings (`SET threads`) and query control
    /// (cancel, timeout).
    let engine: Engine
    let control: QueryControl
    let processID: Int32
    let secretKey: Int32

    private let lock = NIOLock()
    private var settings: [String: String]
    private var transaction: TransactionStatus = .idle
    /// Why the running statement was cancelled (a timeout), for its error message.
    private var cancelReason: String?
    /// COPY FROM STDIN statements run so far, numbering their spool files.
    private var spools = 0

    init(
        user: String, role: Role, database: String, applicationName: String, engine: Engine,
        control: QueryControl, processID: Int32, secretKey: Int32
    ) {
        self.user = user
        self.role = role
        self.database = database
        self.engine = engine
        self.control = control
        self.processID = processID
        self.secretKey = secretKey
        var settings = SessionCommand.defaults
        settings["application_name"] = applicationName
        settings["is_superuser"] = role == .admin ? "on" : "off"
        self.settings = settings
    }

    var transactionStatus: TransactionStatus {
        get { lock.withLock { transaction } }
        set { lock.withLock { transaction = newValue } }
    }

    /// The number of the session's next COPY FROM STDIN spool file.
    func nextSpool() -> Int {
        lock.withLock {
            spools += 1
            return spools
        }
    }

    func setting(_ name: String) -> String? { lock.withLock { settings[name] } }

    func set(_ name: String, _ value: String) { lock.withLock { settings[name] = value } }

    /// Cancels the running statement, saying why.
    func cancel(reason: String) {
        lock.withLock { cancelReason = reason }
        control.cancel()
    }

    /// Clears the cancel flag before a statement; returns nothing.
    func resetCancel() {
        lock.withLock { cancelReason = nil }
        control.reset()
    }

    /// The reason the last statement was cancelled, if it was.
    var lastCancelReason: String? { lock.withLock { cancelReason } }
}
