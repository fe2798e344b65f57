/// The TLS certificate and key of `starling serve`: what loads, and the one-line refusals of
/// missing, wrong and mismatched files.

import Testing

@testable import StarlingServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("ServerTLS")
struct ServerTLSTests {
    /// A self-signed P-256 certificate for CN=b.example (valid until 2126) and its key.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBfjCCASWgAwIBAgIUNmffVICV46rNEcpNgYBuG5OoQQMwCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJYi5leGFtcGxlMCAXDTI2MTIwNzE1NTI1MFoYDzIxMjYxMTEz
        MTU1MjUwWjAUMRIwEAYDVQQDDAliLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAT9Xq6KNRjfYl8L7WZyi4/J2LCDm1xQ5oeCcedmc3YXsDOI35ToB01/
        +nPPTOVm1I/zOYwwaYH4mbJ7WgCEcwT8o1MwUTAdBgNVHQ4EFgQUkznzxiwc0Rkz
        +slA71hykZH2ok4wHwYDVR0jBBgwFoAUkznzxiwc0Rkz+slA71hykZH2ok4wDwYD
        VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBPA5KIJk6D8DgA+cC+Q8GC
        Db4t195Bz+6sabVJaVdxigIgSFBSPUIR1L7Dc4OCU++i8CLuwcpoK31DF5RR/Ty9
        SXc=
        -----END CERTIFICATE-----

        """
    static let key = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgfkC+hWM5dT93Kzf3
        7pgQrLEh3hKDNctJkGK7K55V6kqhRANCAAT9Xq6KNRjfYl8L7WZyi4/J2LCDm1xQ
        5oeCcedmc3YXsDOI35ToB01/+nPPTOVm1I/zOYwwaYH4mbJ7WgCEcwT8
        -----END PRIVATE KEY-----

        """
    /// Another P-256 key: not the certificate's.
    static let otherKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQT7dWem+PY3E4oYi
        mULNIu6dLzPWNYKonbltk8nQhvKhRANCAATS3XMyTcIJvSJ7/l30CIx3p8fNWpPQ
        psP2O+2gRw6O4y7tf9d5/aFlLTwCBHBMbxOUZFpUKMSK0uSn+7gM/HXI
        -----END PRIVATE KEY-----

        """
    /// The certificate's key, encrypted with the passphrase `secret`.
    static let encryptedKey = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAh59x+pg8XzJwICCAAw
        DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEI4aAZx+TnqspnLCsGMpu5kEgZB/
        8ADikzNGyhCbNZvfVGFxgt10rPybU9n/Bm9OC0rEDmFhtFbxQzWXI0gswfP6b2zz
        OVOpo84w716+5fMT8/fsY9nD3DKxGutPkgDe6/nQ8nhCD+AQ+oU/79CrR2cFZV54
        m1s2OCXsR58cW+2S39k76Ixop7XVTqp1O6f+6L5756z5CFRrtIU0u1oQAoU6Ndw=
        -----END ENCRYPTED PRIVATE KEY-----

        """

    /// A new directory holding `files` (name, text).
    static func directory(with files: [(String, String)]) throws -> String {
        var template = Array("/tmp/starling-tls-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        let directory = try #require(made)
        for (name, text) in files {
            let file = try #require(fopen(directory + "/" + name, "w"))
            let bytes = Array(text.utf8)
            #expect(fwrite(bytes, 1, bytes.count, file) == bytes.count)
            fclose(file)
        }
        return directory
    }

    /// The error of loading `certificate` and `key` from a directory holding `files`.
    static func refusal(_ files: [(String, String)], certificate: String, key: String) throws -> String {
        let directory = try directory(with: files)
        defer {
            for (name, _) in files { unlink(directory + "/" + name) }
            rmdir(directory)
        }
        do {
            _ = try ServerTLS.load(certificate: directory + "/" + certificate, key: directory + "/" + key)
            return "loaded"
        } catch {
            return error.description.replacing(directory + "/", with: "")
        }
    }

    @Test("a certificate and its key load; the end of validity is shown in UTC")
    func loads() throws {
        let directory = try Self.directory(with: [("server.crt", Self.certificate), ("server.key", Self.key)])
        defer {
            unlink(directory + "/server.crt")
            unlink(directory + "/server.key")
            rmdir(directory)
        }
        let tls = try ServerTLS.load(certificate: directory + "/server.crt", key: directory + "/server.key")
        #expect(tls.validUntil == "2126-11-13 15:52 UTC")
        #expect(!tls.hasExpired)
        #expect(tls.certificatePath == directory + "/server.crt")
    }

    @Test("missing, empty and wrong files are refused with one line naming the file")
    func refusals() throws {
        let pair = [("server.crt", Self.certificate), ("server.key", Self.key)]
        #expect(
            try Self.refusal(pair, certificate: "nope.crt", key: "server.key")
                == "TLS certificate: cannot open nope.crt: No such file or directory")
        #expect(
            try Self.refusal(pair, certificate: "server.crt", key: "nope.key")
                == "TLS key: cannot open nope.key: No such file or directory")
        #expect(
            try Self.refusal(pair + [("empty.crt", "")], certificate: "empty.crt", key: "server.key")
                == "the TLS certificate empty.crt holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        let noKey =
            "holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----); "
            + "a key with a passphrase is not supported"
        #expect(
            try Self.refusal(pair, certificate: "server.key", key: "server.key").contains("holds no PEM certificate"))
        #expect(
            try Self.refusal(pair, certificate: "server.crt", key: "server.crt") == "the TLS key server.crt \(noKey)")
        let garbage = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n"
        #expect(
            try Self.refusal(pair + [("bad.crt", garbage)], certificate: "bad.crt", key: "server.key")
                .contains("holds no PEM certificate"))
        #expect(
            try Self.refusal(pair + [("locked.key", Self.encryptedKey)], certificate: "server.crt", key: "locked.key")
                == "the TLS key locked.key \(noKey)")
    }

    @Test("a key that is not the certificate's is refused")
    func mismatch() throws {
        let files = [("server.crt", Self.certificate), ("other.key", Self.otherKey)]
        #expect(
            try Self.refusal(files, certificate: "server.crt", key: "other.key")
                == "the TLS key other.key is not the key of the certificate server.crt")
    }
}
