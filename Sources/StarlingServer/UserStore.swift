/// The users of a served warehouse: `<warehouse>/users`, specified in Formats/users.md.

import StarlingColumns
import StarlingFormat
import StarlingStorage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The users file: a header line, then one line per user with its name, role and SCRAM-SHA-256
/// verifier (never a password). Reading checks every byte and fails with a
/// ``StorageError/Kind/corrupt`` error naming the line; writing goes through a temporary file,
/// fsync, rename and a directory fsync, under the warehouse's writer lock.
public struct UserStore: Sendable, Equatable {
    /// One user: a name, a role, and the verifier of the password.
    public struct User: Sendable, Equatable {
        public let name: String
        public let role: Role
        public let verifier: SCRAMVerifier

        public init(name: String, role: Role, verifier: SCRAMVerifier) {
            self.name = name
            self.role = role
            self.verifier = verifier
        }
    }

    /// The users, sorted by name (bytewise).
    public private(set) var users: [User]

    public init(users: [User] = []) {
        self.users = users.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    }

    /// The file's first line.
    static let header = "starling-users 1"
    /// The largest users file read (a guard against a huge or wrong file).
    static let maximumFileSize = 4 << 20
    /// The most bytes in a user name (PostgreSQL's identifier limit).
    public static let maximumNameLength = 63

    /// The users file of the warehouse in `directory`.
    public static func path(warehouse directory: String) -> String { directory + "/users" }

    /// The user named `name`, if any.
    public func user(named name: String) -> User? { users.first { $0.name == name } }

    /// Whether `name` may name a user: 1 to 63 bytes of ASCII letters, digits, `_`, `-`, `.` and
    /// `@`, starting with a letter or `_`. Nil when it may; else why not.
    public static func nameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return "a user name cannot be empty" }
        guard bytes.count <= maximumNameLength else {
            return "user name \"\(name)\" is longer than \(maximumNameLength) bytes"
        }
        func isLetter(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_")
        }
        guard isLetter(bytes[0]),
            bytes.allSatisfy({ isLetter($0) || (0x30...0x39).contains($0) || Array("-.@".utf8).contains($0) })
        else {
            return "user name \"\(name)\" must start with a letter or _ and hold only letters, digits, _, -, . and @"
        }
        return nil
    }

    // MARK: The file's bytes

    /// The file's bytes: the header line, then `name TAB role TAB verifier` per user, each line
    /// ended by a line feed.
    public func encoded() -> [UInt8] {
        var text = Self.header + "\n"
        for user in users { text += "\(user.name)\t\(user.role.rawValue)\t\(user.verifier.text)\n" }
        return Array(text.utf8)
    }

    /// Parses a users file, checking the header, every line's three fields, and that no name
    /// appears twice. `path` is only for messages.
    public static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws(StorageError) -> UserStore {
        func corrupt(_ reason: String) -> StorageError {
            StorageError(.corrupt, "users file \(path) is corrupt: \(reason); restore it from a backup or remove it")
        }
        guard bytes.count <= maximumFileSize else { throw corrupt("it is larger than \(maximumFileSize) bytes") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw corrupt("it is not UTF-8 text") }
        guard text.hasSuffix("\n") else { throw corrupt("its last line has no line feed") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(header) else {
            throw corrupt("its first line is not \"\(header)\"")
        }
        var users: [User] = []
        var names = Set<String>()
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { throw corrupt("line \(number) does not have 3 tab-separated fields") }
            let name = String(fields[0])
            if let problem = nameProblem(name) { throw corrupt("line \(number): \(problem)") }
            guard let role = Role(rawValue: String(fields[1])) else {
                throw corrupt("line \(number): unknown role \"\(fields[1].prefix(20))\"")
            }
            guard let verifier = SCRAMVerifier(text: String(fields[2])) else {
                throw corrupt(
                    "line \(number): the password verifier is not SCRAM-SHA-256$<iterations>:<salt>$<key>:<key>")
            }
            guard names.insert(name).inserted else { throw corrupt("line \(number): user \"\(name)\" appears twice") }
            users.append(User(name: name, role: role, verifier: verifier))
        }
        return UserStore(users: users)
    }

    // MARK: Reading and writing

    /// The users of the warehouse in `directory`; none when it has no users file.
    public static func load(warehouse directory: String) throws(StorageError) -> UserStore {
        let path = path(warehouse: directory)
        let storage: ByteStorage
        do {
            storage = try FileBytes.read(path: path)
        } catch {
            if error.isMissing { return UserStore() }
            throw StorageError(.io, error.description)
        }
        return try withExtendedLifetime(storage) { () throws(StorageError) -> UserStore in
            try decode(storage.bytes, path: path)
        }
    }

    /// Reads the users, lets `change` edit them, and writes them back durably, all under the
    /// warehouse's writer lock (waiting for it when `wait`).
    public static func update(
        warehouse directory: String, wait: Bool, _ change: (inout UserStore) throws(StorageError) -> Void
    ) throws(StorageError) {
        let lock = try WarehouseLock(directory: directory, wait: wait)
        defer { lock.release() }
        var store = try load(warehouse: directory)
        try change(&store)
        try store.write(to: path(warehouse: directory))
    }

    /// Writes the file: a temporary file readable by its owner only, fsync, rename over `path`,
    /// fsync of the directory.
    func write(to path: String) throws(StorageError) {
        let temporary = FileBytes.temporaryPath(for: path)
        do throws(FileError) {
            try FileBytes.writeUnsynced(encoded(), to: temporary)
            guard chmod(temporary, 0o600) == 0 else {
                throw FileError(path: temporary, operation: "chmod", code: errno)
            }
            try FileBytes.syncFile(temporary)
            try FileBytes.rename(temporary, to: path)
            try FileBytes.syncDirectory(containing: path)
        } catch {
            unlink(temporary)
            throw StorageError(.io, error.description)
        }
    }

    /// Adds a user, or replaces the role and password of the one with the same name; whether
    /// one was replaced.
    @discardableResult
    public mutating func set(_ user: User) -> Bool {
        if let index = users.firstIndex(where: { $0.name == user.name }) {
            users[index] = user
            return true
        }
        self = UserStore(users: users + [user])
        return false
    }

    /// Removes the user named `name`; whether there was one.
    @discardableResult
    public mutating func remove(_ name: String) -> Bool {
        guard let index = users.firstIndex(where: { $0.name == name }) else { return false }
        users.remove(at: index)
        return true
    }
}
