/// A SCRAM-SHA-256 verifier (RFC 5802, RFC 7677): what the warehouse stores instead of a password.

import Crypto

/// The salt, iteration count, StoredKey and ServerKey of one user's password, spelt as PostgreSQL
/// stores them: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (Base64 fields).
/// The password cannot be read back from it; a client that knows the password proves it.
public struct SCRAMVerifier: Sendable, Equatable {
    public let salt: [UInt8]
    public let iterations: Int
    /// H(ClientKey): what a client's proof is checked against.
    public let storedKey: [UInt8]
    /// HMAC(SaltedPassword, "Server Key"): what the server signs its final message with.
    public let serverKey: [UInt8]

    /// The iteration count of new verifiers (PostgreSQL's default, RFC 7677's minimum).
    public static let defaultIterations = 4096
    /// Iteration counts accepted from a users file: enough to stop a brute force, few enough
    /// that a crafted file cannot make `user add` or a log-in run for hours.
    public static let iterationRange = 1...10_000_000
    /// Bytes of a new verifier's salt.
    public static let saltLength = 16

    public init(salt: [UInt8], iterations: Int, storedKey: [UInt8], serverKey: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.storedKey = storedKey
        self.serverKey = serverKey
    }

    /// The verifier of `password` with `salt` (random when not given) and `iterations`.
    public init(password: String, salt: [UInt8]? = nil, iterations: Int = SCRAMVerifier.defaultIterations) {
        let salt = salt ?? SCRAMVerifier.randomBytes(SCRAMVerifier.saltLength)
        let salted = Self.hi(Array(password.utf8), salt: salt, iterations: max(1, iterations))
        let clientKey = Self.hmac(key: salted, Array("Client Key".utf8))
        self.init(
            salt: salt, iterations: max(1, iterations), storedKey: Self.sha256(clientKey),
            serverKey: Self.hmac(key: salted, Array("Server Key".utf8)))
    }

    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
    public var text: String {
        "SCRAM-SHA-256$\(iterations):\(Base64.encode(salt))$\(Base64.encode(storedKey)):\(Base64.encode(serverKey))"
    }

    /// Parses ``text``'s form, checking every field: the prefix, a decimal iteration count in
    /// ``iterationRange``, a Base64 salt of 1 to 1024 bytes, and Base64 keys of 32 bytes each.
    public init?(text: String) {
        let prefix = "SCRAM-SHA-256$"
        guard text.hasPrefix(prefix) else { return nil }
        let parts = text.dropFirst(prefix.count).split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let head = parts[0].split(separator: ":", omittingEmptySubsequences: false)
        let keys = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard head.count == 2, keys.count == 2, (1...8).contains(head[0].utf8.count),
            head[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let iterations = Int(head[0]),
            Self.iterationRange.contains(iterations), let salt = Base64.decode(head[1].utf8),
            (1...1024).contains(salt.count), let storedKey = Base64.decode(keys[0].utf8), storedKey.count == 32,
            let serverKey = Base64.decode(keys[1].utf8), serverKey.count == 32
        else { return nil }
        self.init(salt: salt, iterations: iterations, storedKey: storedKey, serverKey: serverKey)
    }

    // MARK: The primitives

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

    static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// RFC 5802's Hi(): PBKDF2 with HMAC-SHA-256 and one block of output.
    static func hi(_ password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var previous = Array(HMAC<SHA256>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = previous
        var round = 1
        while round < iterations {
            previous = Array(HMAC<SHA256>.authenticationCode(for: previous, using: key))
            for index in result.indices { result[index] ^= previous[index] }
            round += 1
        }
        return result
    }

    /// `count` bytes from the system's secure random source.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Whether two byte strings are equal, in time that depends on their lengths only.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
