/// `starling serve`: a PostgreSQL-wire server over the warehouse, on swift-nio.

import Dispatch
import NIOCore
import NIOPosix
import StarlingWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Accepts PostgreSQL clients (protocol 3.0) and runs their SQL through the engine. Each
/// connection gets a ``Connection`` handler behind a ``FrontendFrameDecoder``; statements run on
/// the context's query pool. ``run()`` blocks until SIGTERM or SIGINT, then stops accepting,
/// lets running statements finish (up to the grace period), closes the connections and returns.
public final class Server: Sendable {
    let context: ServerContext

    public init(configuration: ServerConfiguration, log: ServerLog = ServerLog()) {
        self.context = ServerContext(configuration: configuration, log: log)
    }

    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Binds, serves until a signal, shuts down. Throws when the address cannot be bound.
    public func run(onListening: (_ host: String, _ port: Int) -> Void = { _, _ in }) throws(StartError) {
        let configuration = context.configuration
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(4, max(1, System.coreCount)))
        context.queryPool.start()
        // The input of COPYs a killed server was gathering is of no use to anyone.
        CopySpool.removeStale(in: configuration.warehouse)
        let maximumMessageSize = configuration.maximumMessageSize
        let serverContext = context
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = FrontendFrameDecoder(decoder: FrontendDecoder(maximumMessageSize: maximumMessageSize))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
                    try channel.pipeline.syncOperations.addHandler(Connection(server: serverContext))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            try? context.queryPool.syncShutdownGracefully()
            throw StartError(
                description: "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        let port = channel.localAddress?.port ?? configuration.port
        onListening(configuration.host, port)
        let signals = Self.watchSignals { [context] signal in
            context.log.write("received \(signal): not accepting new connections; waiting for running statements")
            channel.close(promise: nil)
        }
        try? channel.closeFuture.wait()
        waitForStatements()
        signals.forEach { $0.cancel() }
        try? group.syncShutdownGracefully()
        try? context.queryPool.syncShutdownGracefully()
        context.log.write("stopped")
    }

    /// Waits until no statement runs, or the grace period is over.
    func waitForStatements() {
        let clock = ContinuousClock()
        let deadline = clock.now + context.configuration.shutdownGrace
        while context.running > 0 && clock.now < deadline {
            usleep(20_000)
        }
        if context.running > 0 {
            context.log.write("grace period over: closing connections with \(context.running) statements running")
        }
    }

    /// Dispatch sources for SIGTERM and SIGINT (their default actions turned off) that call
    /// `stop` once.
    static func watchSignals(_ stop: @escaping @Sendable (String) -> Void) -> [DispatchSourceSignal] {
        let queue = DispatchQueue(label: "starling.serve.signals")
        let stopped = StopOnce()
        return [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if stopped.first() { stop(name) }
            }
            source.resume()
            return source
        }
    }
}

/// True the first time only.
final class StopOnce: Sendable {
    private let done = Atomic<Bool>(false)

    func first() -> Bool { !done.exchange(true, ordering: .relaxed) }
}
