/// The server's side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding.

/// Checks a client's SCRAM-SHA-256 messages against a user's verifier: the client-first-message
/// is answered with the server-first-message, the client-final-message (with its proof) with the
/// server-final-message, or a failure. Every field is checked; the exchange holds no password.
///
/// An unknown user gets a stand-in verifier (``SCRAMExchange/init(unknownUser:serverNonce:secret:)``)
/// and the same messages, so that the outcome, "password authentication failed", does not tell
/// whether the user exists.
struct SCRAMExchange {
    /// Why an exchange failed.
    enum Failure: Error, Equatable {
        /// A message that does not follow RFC 5802, or asks for what is not offered (channel
        /// binding, an authorization identity, a mandatory extension): SQLSTATE 08P01.
        case malformed(String)
        /// The proof does not match (or the user does not exist): SQLSTATE 28P01.
        case wrongPassword
    }

    /// The mechanism offered in AuthenticationSASL.
    static let mechanism = "SCRAM-SHA-256"

    let verifier: SCRAMVerifier
    /// False for the stand-in of an unknown user: the exchange then always fails at its end.
    let userExists: Bool
    let serverNonce: String
    private var gs2Header: [UInt8] = []
    private var clientFirstBare: [UInt8] = []
    private var serverFirst: [UInt8] = []
    private var combinedNonce: [UInt8] = []
    private var firstDone = false

    /// An exchange for a user with `verifier`; `serverNonce` (printable, no comma) is random
    /// unless a test gives one.
    init(verifier: SCRAMVerifier, serverNonce: String = SCRAMExchange.randomNonce()) {
        self.verifier = verifier
        self.userExists = true
        self.serverNonce = serverNonce
    }

    /// An exchange for a user who does not exist: a salt derived from the name and the server's
    /// `secret` (the same on every attempt, as a real user's would be), keys nobody knows.
    init(unknownUser user: String, serverNonce: String = SCRAMExchange.randomNonce(), secret: [UInt8]) {
        let salt = Array(SCRAMVerifier.sha256(secret + Array(user.utf8)).prefix(SCRAMVerifier.saltLength))
        self.verifier = SCRAMVerifier(
            salt: salt, iterations: SCRAMVerifier.defaultIterations, storedKey: SCRAMVerifier.randomBytes(32),
            serverKey: SCRAMVerifier.randomBytes(32))
        self.userExists = false
        self.serverNonce = serverNonce
    }

    /// 18 random bytes as Base64: 24 printable characters, none of them a comma.
    static func randomNonce() -> String { Base64.encode(SCRAMVerifier.randomBytes(18)) }

    /// A message's `,`-separated attributes, each `letter=value`.
    static func attributes(_ bytes: ArraySlice<UInt8>) -> [(name: UInt8, value: ArraySlice<UInt8>)]? {
        var result: [(name: UInt8, value: ArraySlice<UInt8>)] = []
        for part in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard part.count >= 2, let name = part.first, Self.isLetter(name),
                part[part.startIndex + 1] == UInt8(ascii: "=")
            else { return nil }
            result.append((name, part.dropFirst(2)))
        }
        return result
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// RFC 5802's `printable`: 0x21–0x7E except the comma.
    static func isNonce(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: ",") }
    }

    /// Reads the client-first-message (`gs2-header client-first-message-bare`) and returns the
    /// server-first-message.
    mutating func clientFirst(_ message: [UInt8]) throws(Failure) -> [UInt8] {
        guard !firstDone else { throw .malformed("a second client-first-message") }
        guard !message.contains(0) else { throw .malformed("a NUL byte in the client-first-message") }
        // gs2-header: cbind-flag "," [authzid] ","
        let fields = message.split(separator: UInt8(ascii: ","), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw .malformed("the client-first-message has no GS2 header") }
        switch Array(fields[0]) {
        case [UInt8(ascii: "n")], [UInt8(ascii: "y")]: break
        case let flag where flag.first == UInt8(ascii: "p"):
            throw .malformed("channel binding is not supported by this server (no TLS): use channel_binding=disable")
        default: throw .malformed("unknown channel-binding flag in the GS2 header")
        }
        guard fields[1].isEmpty else { throw .malformed("an authorization identity is not supported") }
        let bare = fields[2]
        guard let attributes = Self.attributes(bare), attributes.count >= 2 else {
            throw .malformed("the client-first-message-bare is not n=user,r=nonce")
        }
        if attributes[0].name == UInt8(ascii: "m") { throw .malformed("mandatory SCRAM extensions are not supported") }
        guard attributes[0].name == UInt8(ascii: "n"), attributes[1].name == UInt8(ascii: "r") else {
            throw .malformed("the client-first-message-bare is not n=user,r=nonce")
        }
        // The user name was in the startup packet; this one (usually empty) is only checked.
        guard Self.isSASLName(attributes[0].value) else { throw .malformed("a badly escaped user name") }
        guard Self.isNonce(attributes[1].value), attributes[1].value.count <= 1024 else {
            throw .malformed("the client nonce is empty, too long or not printable ASCII")
        }
        gs2Header = Array(message[..<bare.startIndex])
        clientFirstBare = Array(bare)
        combinedNonce = Array(attributes[1].value) + Array(serverNonce.utf8)
        serverFirst =
            Array("r=".utf8) + combinedNonce + Array(",s=\(Base64.encode(verifier.salt)),i=\(verifier.iterations)".utf8)
        firstDone = true
        return serverFirst
    }

    /// RFC 5802's `saslname`: UTF-8 without `,` or `=` except the escapes `=2C` and `=3D`.
    static func isSASLName(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "=") {
                guard index + 2 < bytes.endIndex else { return false }
                let escape = Array(bytes[(index + 1)...(index + 2)])
                guard escape == Array("2C".utf8) || escape == Array("3D".utf8) else { return false }
                index += 3
            } else {
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    /// Reads the client-final-message (`c=…,r=…[,ext],p=proof`), checks the channel binding, the
    /// nonce and the proof, and returns the server-final-message (`v=…`).
    mutating func clientFinal(_ message: [UInt8]) throws(Failure) -> [UInt8] {
        guard firstDone else { throw .malformed("a client-final-message before the client-first-message") }
        guard !message.contains(0), let attributes = Self.attributes(message[...]), attributes.count >= 3 else {
            throw .malformed("the client-final-message is not c=…,r=…,p=…")
        }
        guard attributes[0].name == UInt8(ascii: "c"), attributes[1].name == UInt8(ascii: "r"),
            let last = attributes.last, last.name == UInt8(ascii: "p")
        else { throw .malformed("the client-final-message is not c=…,r=…,p=…") }
        guard let binding = Base64.decode(attributes[0].value), binding == gs2Header else {
            throw .malformed("the channel binding does not match the GS2 header")
        }
        guard Array(attributes[1].value) == combinedNonce else { throw .malformed("the nonce does not match") }
        guard let proof = Base64.decode(last.value), proof.count == 32 else {
            throw .malformed("the client proof is not 32 bytes of Base64")
        }
        // client-final-message-without-proof: everything before ",p=".
        let withoutProof = message[..<(last.value.startIndex - 3)]
        let authMessage =
            clientFirstBare + [UInt8(ascii: ",")] + serverFirst + [UInt8(ascii: ",")] + Array(withoutProof)
        let signature = SCRAMVerifier.hmac(key: verifier.storedKey, authMessage)
        var clientKey = proof
        for index in clientKey.indices { clientKey[index] ^= signature[index] }
        let matches = SCRAMVerifier.constantTimeEqual(SCRAMVerifier.sha256(clientKey), verifier.storedKey)
        guard matches, userExists else { throw .wrongPassword }
        return Array("v=\(Base64.encode(SCRAMVerifier.hmac(key: verifier.serverKey, authMessage)))".utf8)
    }
}
