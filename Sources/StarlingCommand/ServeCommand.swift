/// `starling serve`: serve the warehouse to PostgreSQL clients (psql, psycopg, BI tools).

import ArgumentParser
import StarlingEngine
import StarlingServer

/// Starts the PostgreSQL-wire server and runs until SIGTERM or SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the warehouse over the PostgreSQL wire protocol (psql, psycopg, BI tools).",
        discussion: """
            Clients connect as to PostgreSQL 15: any database name is accepted and means the \
            warehouse. Once the warehouse has users (starling user add), every client logs in \
            with SCRAM-SHA-256 and may run what its role allows. A warehouse without users is \
            served to clients on this machine only, each as admin: a --listen address other \
            than a loopback one is then refused. With --tls-cert and --tls-key, clients may \
            use TLS (sslmode=require or verify-full); --require-tls refuses clients from other \
            machines that do not. \
            SIGTERM or SIGINT stops accepting connections, lets running statements finish (up to \
            30 s) and exits 0. One line per connection and per statement is logged on stderr. \
            See docs/server.md.

            Examples:
              starling serve --warehouse ./warehouse
              starling user add ann --role admin && starling serve --listen 0.0.0.0:5433
              starling serve --listen 0.0.0.0:5433 --tls-cert server.crt --tls-key server.key
              psql -h 127.0.0.1 -p 5433 -c "SELECT count(*) FROM orders"
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(
        help: ArgumentHelp("Where to listen: HOST:PORT, HOST or :PORT (default: 127.0.0.1:5433).", valueName: "address")
    )
    var listen = "127.0.0.1:5433"

    @Option(help: ArgumentHelp("Connections open at once; more are refused (default: 100).", valueName: "n"))
    var maxConnections = 100

    @Option(
        help: ArgumentHelp(
            "Statements running at once; the rest wait in turn (default: the core count).", valueName: "n"))
    var maxConcurrentQueries: Int?

    @Option(
        help: ArgumentHelp(
            "Cancel a statement running longer, e.g. 30s, 5m, 500ms (default: none).", valueName: "duration"))
    var queryTimeout: String?

    @Option(help: ArgumentHelp("Memory one query may use, e.g. 4GB, 512MB (default: 50% of RAM).", valueName: "size"))
    var memoryLimit: String?

    @Option(help: ArgumentHelp("Worker threads per query (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp(
            "The server's TLS certificate (PEM, then any intermediate ones); with --tls-key.", valueName: "file"))
    var tlsCert: String?

    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp("The certificate's private key (PEM, without a passphrase).", valueName: "file"))
    var tlsKey: String?

    @Flag(
        name: .customLong("require-tls"),
        help: "Refuse clients from other machines that do not use TLS (loopback clients may; needs --tls-cert).")
    var requireTLS = false

    func validate() throws {
        if maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        if let maxConcurrentQueries, maxConcurrentQueries < 1 {
            throw ValidationError("--max-concurrent-queries must be at least 1")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let memoryLimit, MemorySize.parse(memoryLimit) == nil {
            throw ValidationError("--memory-limit takes a size such as 4GB, 512MB or 80%, not \"\(memoryLimit)\"")
        }
        if let queryTimeout, Self.duration(queryTimeout) == nil {
            throw ValidationError(
                "--query-timeout takes a duration such as 30s, 5m, 1h or 500ms, not \"\(queryTimeout)\"")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both or neither")
        }
        if requireTLS && tlsCert == nil { throw ValidationError("--require-tls needs --tls-cert and --tls-key") }
        if case .failure(let error) = ServerConfiguration.listenAddress(listen) {
            throw ValidationError("--listen \(listen): \(error)")
        }
    }

    /// `500ms`, `30s`, `5m`, `1h`, or a number of seconds.
    static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let trimmed = text.filter { $0 != " " }.lowercased()
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number > 0, number < 1e9 else { return nil }
            return .milliseconds(Int64(number * seconds * 1000))
        }
        guard let number = Double(trimmed), number > 0, number < 1e9 else { return nil }
        return .milliseconds(Int64(number * 1000))
    }

    func run() throws {
        guard case .success(let (host, port)) = ServerConfiguration.listenAddress(listen) else { return }
        let warehouse = try options.open()
        let users: UserStore
        do { users = try UserStore.load(warehouse: warehouse.directory) } catch {
            throw fail(error.message, status: error.exitStatus)
        }
        guard !users.users.isEmpty || ServerConfiguration.isLoopback(host) else {
            throw fail(
                "cannot listen on \(host): the warehouse has no users, so it is served to this machine only "
                    + "(--listen 127.0.0.1:\(port) or localhost:\(port)); add users first with: "
                    + "starling user add NAME --role reader|loader|admin",
                status: .usage)
        }
        var tls: ServerTLS?
        if let tlsCert, let tlsKey {
            do { tls = try ServerTLS.load(certificate: tlsCert, key: tlsKey) } catch {
                throw fail(error.description, status: .failure)
            }
        }
        let configuration = ServerConfiguration(
            warehouse: warehouse, host: host, port: port, maxConnections: maxConnections,
            maxConcurrentQueries: maxConcurrentQueries ?? Engine.processorCount,
            queryTimeout: queryTimeout.flatMap(Self.duration), threads: threads,
            memoryLimit: memoryLimit.flatMap(MemorySize.parse), tls: tls, requireTLS: requireTLS)
        let log = ServerLog()
        let server = Server(configuration: configuration, log: log)
        do {
            try server.run { host, port in
                log.write(
                    "starling \(starlingVersion) serving \(options.directory) on \(host):\(port) "
                        + "(PostgreSQL protocol 3.0)")
                if users.users.isEmpty {
                    log.write(
                        "the warehouse has no users: only connections from this machine are accepted, each as admin")
                } else {
                    log.write(
                        "\(users.users.count) users: every connection logs in with SCRAM-SHA-256 "
                            + "and runs what its role allows")
                }
                if let tls {
                    log.write(
                        "TLS with the certificate \(tls.certificatePath) (valid until \(tls.validUntil))"
                            + (requireTLS ? "; clients from other machines must use it" : ""))
                    if tls.hasExpired { log.write("warning: the TLS certificate \(tls.certificatePath) has expired") }
                }
            }
        } catch {
            throw fail(error.description, status: .failure)
        }
    }
}
