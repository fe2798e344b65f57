/// What `starling serve` was asked for: where to listen, how many connections and queries, and
/// the engine's limits.

import StarlingStorage

/// The server's settings, checked by ``ServerConfiguration/listenAddress(_:)`` and the command.
public struct ServerConfiguration: Sendable {
    public var warehouse: Warehouse
    public var host: String
    public var port: Int
    public var maxConnections: Int
    /// Queries running at once; the rest wait their turn in arrival order.
    public var maxConcurrentQueries: Int
    /// A statement running longer is cancelled (57014); nil for no limit.
    public var queryTimeout: Duration?
    /// Worker threads per query (the engine's `threads`).
    public var threads: Int?
    public var memoryLimit: Int?
    /// How long a SIGTERM or SIGINT waits for running queries before closing their connections.
    public var shutdownGrace: Duration
    /// The largest message a client may send.
    public var maximumMessageSize: Int
    /// The certificate and key an SSLRequest is answered with; nil: SSLRequest gets `N`.
    public var tls: ServerTLS?
    /// Refuse (28000) a client from another machine that does not use TLS.
    public var requireTLS: Bool

    public init(
        warehouse: Warehouse, host: String = "127.0.0.1", port: Int = 5433, maxConnections: Int = 100,
        maxConcurrentQueries: Int, queryTimeout: Duration? = nil, threads: Int? = nil, memoryLimit: Int? = nil,
        shutdownGrace: Duration = .seconds(30), maximumMessageSize: Int = 64 << 20, tls: ServerTLS? = nil,
        requireTLS: Bool = false
    ) {
        self.warehouse = warehouse
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.maxConcurrentQueries = maxConcurrentQueries
        self.queryTimeout = queryTimeout
        self.threads = threads
        self.memoryLimit = memoryLimit
        self.shutdownGrace = shutdownGrace
        self.maximumMessageSize = maximumMessageSize
        self.tls = tls
        self.requireTLS = requireTLS
    }

    /// `HOST:PORT`, `[IPv6]:PORT`, `HOST` or `:PORT` as a host and port (the defaults fill what
    /// is left out); nil with the reason when it is not one.
    public static func listenAddress(_ text: String) -> Result<(host: String, port: Int), AddressError> {
        var host = text
        var portText = "5433"
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(AddressError("missing ] in \"\(text)\""))
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else {
                    return .failure(AddressError("expected :PORT after ] in \"\(text)\""))
                }
                portText = String(rest.dropFirst())
            }
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            return .failure(AddressError("the port must be a number from 0 to 65535, not \"\(portText)\""))
        }
        return .success((host, port))
    }

    /// Whether `host` names this machine only: `localhost`, 127.0.0.0/8 or `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }

    /// Why a listen address was refused.
    public struct AddressError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
