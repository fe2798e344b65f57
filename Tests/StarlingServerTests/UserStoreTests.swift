/// The users file: its round trip, its refusal of damaged bytes, and its writes under the lock.

import StarlingStorage
import Testing

@testable import StarlingServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("UserStore")
struct UserStoreTests {
    static let pencil = SCRAMVerifier(text: SCRAMTests.verifierText)

    static func decode(_ text: String) throws -> UserStore {
        try decode(Array(text.utf8))
    }

    static func decode(_ bytes: [UInt8]) throws -> UserStore {
        try bytes.withUnsafeBytes { raw in try UserStore.decode(raw, path: "users") }
    }

    static func sample() throws -> UserStore {
        let verifier = try #require(pencil)
        return UserStore(users: [
            UserStore.User(name: "zed", role: .reader, verifier: verifier),
            UserStore.User(name: "ann", role: .admin, verifier: SCRAMVerifier(password: "x", iterations: 5)),
            UserStore.User(name: "etl_1", role: .loader, verifier: verifier),
        ])
    }

    @Test("encoded then decoded gives the same users, sorted by name")
    func roundTrip() throws {
        let store = try Self.sample()
        #expect(store.users.map(\.name) == ["ann", "etl_1", "zed"])
        let text = String(decoding: store.encoded(), as: UTF8.self)
        #expect(text.hasPrefix("starling-users 1\nann\tadmin\tSCRAM-SHA-256$5:"))
        #expect(text.contains("\nzed\treader\t\(SCRAMTests.verifierText)\n"))
        #expect(try Self.decode(text) == store)
        #expect(try Self.decode("starling-users 1\n").users.isEmpty)
    }

    @Test("damaged files are refused with a corrupt error, never a trap")
    func corrupt() throws {
        let good = String(decoding: try Self.sample().encoded(), as: UTF8.self)
        let line = "zed\treader\t\(SCRAMTests.verifierText)\n"
        let damaged = [
            "", "\n", "starling-users 2\n", "starling-users 1", good.replacingOccurrences("\treader\t", "\treaders\t"),
            good.replacingOccurrences("\treader\t", " reader\t"), good + "\n", good + line,
            good.replacingOccurrences("SCRAM-SHA-256$4096", "SCRAM-SHA-256$x"),
            good.replacingOccurrences("zed", "9zed"),
            good.replacingOccurrences("zed", ""), good + "bob\treader\n", String(good.dropLast()),
            good.replacingOccurrences("qY=", "qY"), good + "bob\treader\t\(SCRAMTests.verifierText)\textra\n",
            "starling-users 1\r\n",
        ]
        for text in damaged {
            #expect(throws: StorageError.self, "\(text)") { try Self.decode(text) }
            do { _ = try Self.decode(text) } catch { #expect((error as? StorageError)?.kind == .corrupt) }
        }
        // Bytes that are not UTF-8.
        let bytes: [UInt8] = Array("starling-users 1\n".utf8) + [0xFF, 0x0A]
        #expect(throws: StorageError.self) { try Self.decode(bytes) }
        // Every truncation of a good file is refused or is a valid shorter file.
        let goodBytes = Array(good.utf8)
        for length in 0..<goodBytes.count {
            let prefix = Array(goodBytes[..<length])
            let decoded = try? Self.decode(prefix)
            if let decoded { #expect(prefix.last == 0x0A && decoded.users.count < 3) }
        }
    }

    @Test("user names: letters, digits, _ - . @, at most 63 bytes, not starting with a digit")
    func names() {
        #expect(UserStore.nameProblem("ann") == nil)
        #expect(UserStore.nameProblem("_etl.loader-2@corp") == nil)
        #expect(UserStore.nameProblem(String(repeating: "a", count: 63)) == nil)
        for bad in ["", "2ann", "an n", "ann\t", "ann\n", "é", String(repeating: "a", count: 64), "a;b", "-a"] {
            #expect(UserStore.nameProblem(bad) != nil, "\(bad)")
        }
    }

    @Test("update writes the file under the lock, readable by its owner only; load reads it back")
    func update() throws {
        var template = Array("/tmp/starling-users-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        let directory = try #require(made)
        defer { try? Warehouse.remove(at: directory + "/wh") }
        let warehouse = try Warehouse.create(at: directory + "/wh")
        #expect(try UserStore.load(warehouse: warehouse.directory).users.isEmpty)
        let verifier = try #require(Self.pencil)
        try UserStore.update(warehouse: warehouse.directory, wait: false) { store in
            store.set(UserStore.User(name: "ann", role: .loader, verifier: verifier))
        }
        let loaded = try UserStore.load(warehouse: warehouse.directory)
        #expect(loaded.users == [UserStore.User(name: "ann", role: .loader, verifier: verifier)])
        var status = stat()
        #expect(stat(UserStore.path(warehouse: warehouse.directory), &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        try UserStore.update(warehouse: warehouse.directory, wait: false) { store in
            let first = store.remove("ann")
            let second = store.remove("ann")
            #expect(first && !second)
        }
        #expect(try UserStore.load(warehouse: warehouse.directory).users.isEmpty)
        // A damaged file on disk is reported, not trusted.
        let path = UserStore.path(warehouse: warehouse.directory)
        let handle = fopen(path, "w")
        fputs("starling-users 1\nann\treader\tSCRAM-SHA-256$4096:xx\n", handle)
        fclose(handle)
        #expect(throws: StorageError.self) { try UserStore.load(warehouse: warehouse.directory) }
    }
}
