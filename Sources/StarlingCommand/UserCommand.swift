/// `starling user add|list|remove`: the users `starling serve` lets in, with their roles.

import ArgumentParser
import StarlingServer
import StarlingStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The users of the warehouse, stored as SCRAM-SHA-256 verifiers in `<warehouse>/users`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list or remove the users that may connect to `starling serve`.",
        discussion: """
            Each user has a role: reader (queries, EXPLAIN, SHOW, SET), loader (also INSERT and \
            CREATE TABLE AS) or admin (also CREATE/DROP/ALTER, views, COPY from server files). \
            Passwords are stored as SCRAM-SHA-256 verifiers, never as text. Once the warehouse has \
            a user, every connection to `starling serve` must log in with a password, and the \
            server may listen on other addresses than loopback. See docs/server.md.

            Examples:
              starling user add ann --role admin    # asks for the password
              echo "$PASSWORD" | starling user add etl --role loader --password-stdin
              starling user list
              starling user remove etl
            """,
        subcommands: [UserAddCommand.self, UserListCommand.self, UserRemoveCommand.self]
    )
}

/// `starling user add NAME --role ROLE`.
struct UserAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user with a role and a password (asked for without echo, or read from stdin)."
    )

    @OptionGroup var options: WarehouseOptions

    @Argument(help: ArgumentHelp("The user name: letters, digits, _ - . @ (at most 63 bytes).", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("reader, loader or admin.", valueName: "role"))
    var role: String

    @Flag(help: "Read the password from standard input (its first line) instead of asking for it.")
    var passwordStdin = false

    func validate() throws {
        if let problem = UserStore.nameProblem(name) { throw ValidationError(problem) }
        if Role(rawValue: role) == nil {
            throw ValidationError("--role must be reader, loader or admin, not \"\(role)\"")
        }
    }

    func run() throws {
        guard let role = Role(rawValue: role) else { return }
        let warehouse = try options.open()
        let password = try passwordStdin ? PasswordInput.fromStandardInput() : PasswordInput.prompt(for: name)
        let verifier = SCRAMVerifier(password: password)
        do {
            try UserStore.update(warehouse: warehouse.directory, wait: options.wait) { (store) throws(StorageError) in
                guard store.user(named: name) == nil else {
                    throw StorageError(
                        .invalid, "user \"\(name)\" already exists; remove it first with: starling user remove \(name)")
                }
                store.set(UserStore.User(name: name, role: role, verifier: verifier))
            }
        } catch {
            throw fail(error.message, status: error.exitStatus)
        }
        StandardError.write("added user \(name) with role \(role.rawValue)\n")
    }
}

/// `starling user list`.
struct UserListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the users and their roles (never their password verifiers).")

    @OptionGroup var options: WarehouseOptions

    func run() throws {
        let warehouse = try options.open()
        let store: UserStore
        do { store = try UserStore.load(warehouse: warehouse.directory) } catch {
            throw fail(error.message, status: error.exitStatus)
        }
        var text = ""
        let width = max(4, store.users.map(\.name.utf8.count).max() ?? 0)
        for user in store.users {
            text +=
                user.name + String(repeating: " ", count: width - user.name.utf8.count + 2) + user.role.rawValue + "\n"
        }
        StandardOutput.write(text)
        if store.users.isEmpty {
            StandardError.write("no users: `starling serve` accepts connections from this machine only, as admin\n")
        }
    }
}

/// `starling user remove NAME`.
struct UserRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a user; their open connections stay until they close.")

    @OptionGroup var options: WarehouseOptions

    @Argument(help: ArgumentHelp("The user to remove.", valueName: "name"))
    var name: String

    func run() throws {
        let warehouse = try options.open()
        do {
            try UserStore.update(warehouse: warehouse.directory, wait: options.wait) { (store) throws(StorageError) in
                guard store.remove(name) else { throw StorageError(.invalid, "no user \"\(name)\"") }
            }
        } catch {
            throw fail(error.message, status: error.exitStatus)
        }
        StandardError.write("removed user \(name)\n")
    }
}
