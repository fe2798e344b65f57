/// A connection's authentication: loopback clients of a warehouse without users, or SCRAM-SHA-256.

import NIOCore
import StarlingWire

/// Where a connection is in its authentication.
enum AuthenticationStep {
    /// AuthenticationSASL was sent: the SASLInitialResponse is next.
    case initial(SCRAMExchange, user: String, role: Role?, database: String, applicationName: String)
    /// AuthenticationSASLContinue was sent: the SASLResponse with the proof is next.
    case final(SCRAMExchange, user: String, role: Role?, database: String, applicationName: String)
}

extension Connection {
    /// After the startup packet: a warehouse without users lets loopback clients in as admin
    /// and refuses the rest; one with users starts SCRAM-SHA-256 (AuthenticationSASL), the same
    /// way for a user that does not exist.
    func authenticate(user: String, database: String, applicationName: String) {
        let store: UserStore
        do {
            store = try UserStore.load(warehouse: server.configuration.warehouse.directory)
        } catch {
            server.log.write("connection \(peer): \(error.message)")
            fatal("XX000", "cannot read the warehouse's users: \(error.message)")
            return
        }
        guard !store.users.isEmpty else {
            guard isLoopbackPeer else {
                fatal(
                    "28000",
                    "the warehouse has no users, so only connections from the server's machine are accepted; "
                        + "add users with: starling user add NAME --role reader|loader|admin")
                return
            }
            begin(user: user, role: .admin, database: database, applicationName: applicationName)
            return
        }
        let found = store.user(named: user)
        let exchange =
            found.map { SCRAMExchange(verifier: $0.verifier) }
            ?? SCRAMExchange(unknownUser: user, secret: server.unknownUserSecret)
        authentication = .initial(
            exchange, user: user, role: found?.role, database: database, applicationName: applicationName)
        send(.authenticationSASL(mechanisms: [SCRAMExchange.mechanism]))
    }

    /// Whether the client connects from this machine (127.0.0.0/8, ::1, or IPv4-mapped 127.x).
    var isLoopbackPeer: Bool {
        guard var address = context?.channel.remoteAddress?.ipAddress?.lowercased() else { return false }
        if address.hasPrefix("::ffff:") { address.removeFirst("::ffff:".count) }
        return ServerConfiguration.isLoopback(address)
    }

    /// A message while authenticating: only a 'p' message of the expected kind is taken.
    func handleAuthentication(_ message: FrontendMessage, step: AuthenticationStep) {
        guard case .password(let body) = message else {
            if case .terminate = message {
                // A client without a password gives up here (libpq, to ask for one and reconnect).
                authentication = nil
                context?.close(promise: nil)
            } else {
                fatal("08P01", "expected a SASL response during authentication")
            }
            return
        }
        switch step {
        case .initial(var exchange, let user, let role, let database, let applicationName):
            let initial: SASLInitialResponse
            do {
                initial = try SASLInitialResponse.decode(body)
            } catch {
                fatal("08P01", "malformed SASLInitialResponse: \(error.message)")
                return
            }
            guard initial.mechanism == SCRAMExchange.mechanism else {
                fatal("08P01", "SASL mechanism \"\(initial.mechanism.prefix(40))\" is not offered (only SCRAM-SHA-256)")
                return
            }
            guard let data = initial.data else {
                fatal("08P01", "the SASLInitialResponse has no client-first-message")
                return
            }
            do {
                let serverFirst = try exchange.clientFirst(data)
                authentication = .final(
                    exchange, user: user, role: role, database: database, applicationName: applicationName)
                send(.authenticationSASLContinue(serverFirst))
            } catch {
                failAuthentication(error, user: user)
            }
        case .final(var exchange, let user, let role, let database, let applicationName):
            do {
                let serverFinal = try exchange.clientFinal(body)
                guard let role else {
                    failAuthentication(.wrongPassword, user: user)
                    return
                }
                authentication = nil
                send(.authenticationSASLFinal(serverFinal))
                begin(user: user, role: role, database: database, applicationName: applicationName)
            } catch {
                failAuthentication(error, user: user)
            }
        }
    }

    /// Ends a failed authentication: 28P01 with PostgreSQL's message (whether or not the user
    /// exists), or 08P01 for a malformed message. Nothing secret is logged.
    func failAuthentication(_ failure: SCRAMExchange.Failure, user: String) {
        authentication = nil
        switch failure {
        case .wrongPassword:
            fatal("28P01", "password authentication failed for user \"\(user)\"")
        case .malformed(let reason):
            fatal("08P01", "malformed SCRAM-SHA-256 message from user \"\(user)\": \(reason)")
        }
    }
}
