/// SCRAM-SHA-256 against RFC 7677's example exchange, and the checks of every client field.

import Testing

@testable import StarlingServer

@Suite("SCRAM")
struct SCRAMTests {
    /// RFC 7677 §3: user "user", password "pencil".
    static let salt = "W22ZaJ0SNY7soEsUEjb6gQ=="
    static let clientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    static let serverNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    static let serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    static let clientFinal =
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
    static let serverFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    /// The verifier PostgreSQL stores for "pencil" with the RFC's salt (computed independently
    /// with Python's hashlib.pbkdf2_hmac and hmac).
    static let verifierText =
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY="
        + ":wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Computed once: Hi's 4096 rounds are slow in a debug build.
    static let verifier = SCRAMVerifier(password: "pencil", salt: Base64.decode(salt.utf8) ?? [], iterations: 4096)

    @Test("the verifier of \"pencil\" is PostgreSQL's, and its text parses back")
    func verifier() {
        #expect(Self.verifier.text == Self.verifierText)
        #expect(SCRAMVerifier(text: Self.verifierText) == Self.verifier)
        let random = SCRAMVerifier(password: "pencil")
        #expect(random.salt.count == SCRAMVerifier.saltLength)
        #expect(random.salt != SCRAMVerifier(password: "pencil").salt)
        #expect(SCRAMVerifier(text: random.text) == random)
    }

    @Test("verifier texts that are not one are refused")
    func badVerifiers() {
        let parts = Self.verifierText
        for text in [
            "", "md5abc", parts.replacingOccurrences("SCRAM-SHA-256$", "SCRAM-SHA-1$"),
            parts.replacingOccurrences("4096:", "0:"), parts.replacingOccurrences("4096:", "-1:"),
            parts.replacingOccurrences("4096:", "99999999999:"), parts.replacingOccurrences("4096:", ":"),
            parts.replacingOccurrences("W22Z", "W2*Z"), parts.replacingOccurrences("=$", "$"),
            parts.replacingOccurrences("qY=", "q="), parts + ":x", parts + "$",
        ] {
            #expect(SCRAMVerifier(text: text) == nil, "\(text)")
        }
    }

    @Test("RFC 7677's exchange: server-first and server-final messages")
    func rfcExchange() throws {
        var exchange = SCRAMExchange(verifier: Self.verifier, serverNonce: Self.serverNonce)
        let first = try exchange.clientFirst(Self.bytes(Self.clientFirst))
        #expect(String(decoding: first, as: UTF8.self) == Self.serverFirst)
        let final = try exchange.clientFinal(Self.bytes(Self.clientFinal))
        #expect(String(decoding: final, as: UTF8.self) == Self.serverFinal)
    }

    @Test("a wrong password, and an unknown user, fail the same way")
    func wrongPassword() throws {
        var exchange = SCRAMExchange(
            verifier: SCRAMVerifier(password: "pencil2", salt: Base64.decode(Self.salt.utf8) ?? []),
            serverNonce: Self.serverNonce)
        _ = try exchange.clientFirst(Self.bytes(Self.clientFirst))
        #expect(throws: SCRAMExchange.Failure.wrongPassword) { try exchange.clientFinal(Self.bytes(Self.clientFinal)) }

        var unknown = SCRAMExchange(unknownUser: "user", serverNonce: Self.serverNonce, secret: [1, 2, 3])
        let first = try unknown.clientFirst(Self.bytes(Self.clientFirst))
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("r=rOprNGfwEbeRWgbNEkqO%hvYD"))
        #expect(throws: SCRAMExchange.Failure.wrongPassword) { try unknown.clientFinal(Self.bytes(Self.clientFinal)) }
        // The stand-in salt is the same on every attempt for the same name and secret.
        let again = SCRAMExchange(unknownUser: "user", secret: [1, 2, 3])
        #expect(again.verifier.salt == unknown.verifier.salt)
    }

    @Test("a proof with one bit changed fails")
    func changedProof() throws {
        var exchange = SCRAMExchange(verifier: Self.verifier, serverNonce: Self.serverNonce)
        _ = try exchange.clientFirst(Self.bytes(Self.clientFirst))
        let changed = Self.clientFinal.replacingOccurrences("p=dHzb", "p=dHzc")
        #expect(throws: SCRAMExchange.Failure.wrongPassword) { try exchange.clientFinal(Self.bytes(changed)) }
    }

    @Test("gs2 header y,, is accepted; p= (channel binding), an authzid and extensions are not")
    func gs2Headers() throws {
        var exchange = SCRAMExchange(verifier: Self.verifier, serverNonce: Self.serverNonce)
        _ = try exchange.clientFirst(Self.bytes("y,,n=,r=rOprNGfwEbeRWgbNEkqO"))
        // c= must now be base64("y,,") = "eSws", not biws.
        #expect(throws: SCRAMExchange.Failure.self) { try exchange.clientFinal(Self.bytes(Self.clientFinal)) }
        for first in [
            "p=tls-server-end-point,,n=,r=abc", "n,a=admin,n=,r=abc", "n,,m=ext,n=,r=abc", "x,,n=,r=abc",
            "n,,n=,r=", "n,,n=,r=a b", "n,,r=abc", "n,,n=,", "n,,", "", "n,,n=a=ZZ,r=abc", "n,,n=,r=a\u{0}b",
            "n,,n=,r=abc,", "nn,,n=,r=abc",
        ] {
            var fresh = SCRAMExchange(verifier: Self.verifier, serverNonce: Self.serverNonce)
            #expect(throws: SCRAMExchange.Failure.self, "\(first)") { try fresh.clientFirst(Self.bytes(first)) }
        }
    }

    @Test("client-final messages with a bad field are refused as malformed")
    func badFinals() throws {
        let nonce = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        let proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        for final in [
            "c=biws,r=rOprNGfwEbeRWgbNEkqO,\(proof)", "c=eSws,\(nonce),\(proof)", "c=biw,\(nonce),\(proof)",
            "c=biws,\(nonce),p=dHzb", "c=biws,\(nonce),p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ",
            "c=biws,\(nonce)", "r=x,c=biws,\(proof)", "", "c=biws,\(nonce),\(proof),x=1", "garbage",
        ] {
            var exchange = SCRAMExchange(verifier: Self.verifier, serverNonce: Self.serverNonce)
            _ = try exchange.clientFirst(Self.bytes(Self.clientFirst))
            #expect(throws: SCRAMExchange.Failure.self, "\(final)") { try exchange.clientFinal(Self.bytes(final)) }
            do {
                _ = try exchange.clientFinal(Self.bytes(final))
            } catch {
                #expect(error != .wrongPassword, "\(final)")
            }
        }
        var early = SCRAMExchange(verifier: Self.verifier)
        #expect(throws: SCRAMExchange.Failure.self) { try early.clientFinal(Self.bytes(Self.clientFinal)) }
    }

    @Test("mutated client messages: refused, never a trap, and only the real proof succeeds")
    func mutations() throws {
        var generator = SplitMix(seed: 7677)
        let alphabet = Array(",=nryp0A/+\u{0}\u{7F}\u{FF}".utf8)
        func mutate(_ text: String) -> [UInt8] {
            var bytes = Array(text.utf8)
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let position = Int(generator.next() % UInt64(bytes.count + 1))
                switch generator.next() % 4 {
                case 0 where position < bytes.count: bytes[position] = alphabet[Int(generator.next() % 13)]
                case 1: bytes.insert(alphabet[Int(generator.next() % 13)], at: position)
                case 2 where position < bytes.count: bytes.remove(at: position)
                default: bytes = Array(bytes[..<position])
                }
            }
            return bytes
        }
        for _ in 0..<3000 {
            var exchange = SCRAMExchange(verifier: Self.verifier, serverNonce: Self.serverNonce)
            let first = mutate(Self.clientFirst)
            guard (try? exchange.clientFirst(first)) != nil else { continue }
            let final = mutate(Self.clientFinal)
            if let answer = try? exchange.clientFinal(final) {
                // Only a message that still carries the real proof and nonce can succeed.
                #expect(String(decoding: answer, as: UTF8.self).hasPrefix("v="))
                #expect(
                    String(decoding: final, as: UTF8.self).hasSuffix(",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))
            }
        }
    }

    @Test("Base64: round trips, and only the strict spelling decodes")
    func base64() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + length) }
            #expect(Base64.decode(Base64.encode(bytes).utf8) == bytes)
        }
        #expect(Base64.encode(Array("y,,".utf8)) == "eSws")
        #expect(Base64.encode(Array("n,,".utf8)) == "biws")
        for bad in ["a", "ab", "abc", "a===", "ab=c", "YQ==YQ==", "YR==", "YWJ=", "Y Q==", "YQ=\n", "\u{e9}aaa"] {
            #expect(Base64.decode(bad.utf8) == nil, "\(bad)")
        }
    }
}

extension String {
    /// `self` with every `target` replaced (no Foundation in the tests).
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// A small deterministic generator for the mutation test.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
