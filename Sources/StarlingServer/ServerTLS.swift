/// The server's TLS certificate and key (`starling serve --tls-cert FILE --tls-key FILE`), read
/// and checked once at start.

import NIOSSL
import StarlingColumns
import StarlingFormat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A PEM certificate chain and its private key, made into the TLS context every encrypted
/// connection shares. Loading checks that both files can be read, that they hold what they should
/// and that the key is the certificate's, so a mistake stops the server before it listens.
/// Clients get TLS 1.2 or 1.3 (PostgreSQL's default `ssl_min_protocol_version`).
public struct ServerTLS: Sendable {
    public let certificatePath: String
    public let keyPath: String
    /// The end of the first certificate's validity, in seconds since 1970.
    public let notValidAfter: Int
    let context: NIOSSLContext

    /// The largest certificate or key file read (a guard against naming a wrong, huge file).
    static let maximumFileSize = 1 << 20

    /// Why the certificate or the key cannot be used: one line naming the file.
    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Reads `certificatePath` (a PEM certificate, then any intermediate ones) and `keyPath` (its
    /// unencrypted PEM private key) and builds the TLS context.
    public static func load(certificate certificatePath: String, key keyPath: String) throws(LoadError) -> ServerTLS {
        let certificateBytes = try read(certificatePath, what: "certificate")
        var chain: [NIOSSLCertificate] = []
        if certificateBytes.contains(Array("-----BEGIN".utf8)) {
            chain = (try? NIOSSLCertificate.fromPEMBytes(certificateBytes)) ?? []
        }
        guard let leaf = chain.first else {
            throw LoadError(
                "the TLS certificate \(certificatePath) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        let keyBytes = try read(keyPath, what: "key")
        let key: NIOSSLPrivateKey
        do {
            guard keyBytes.contains(Array("-----BEGIN".utf8)) else { throw LoadError("") }
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw LoadError(
                "the TLS key \(keyPath) holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----); "
                    + "a key with a passphrase is not supported")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            // The key parsed above, so BoringSSL refusing it for the context means it is not the
            // certificate's (its check of the two, KEY_VALUES_MISMATCH, is reported this way).
            if case .failedToLoadPrivateKey? = error as? NIOSSLError {
                throw LoadError("the TLS key \(keyPath) is not the key of the certificate \(certificatePath)")
            }
            throw LoadError("cannot use the TLS certificate \(certificatePath) with the key \(keyPath): \(error)")
        }
        return ServerTLS(
            certificatePath: certificatePath, keyPath: keyPath, notValidAfter: Int(leaf.notValidAfter),
            context: context)
    }

    /// When the certificate stops being valid: `2027-01-31 12:00 UTC`.
    public var validUntil: String {
        var time = time_t(notValidAfter)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "\(notValidAfter) s after 1970" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)) UTC"
    }

    /// Whether the certificate's validity has ended (clients that verify it refuse it).
    public var hasExpired: Bool { notValidAfter < Int(time(nil)) }

    /// The bytes of the file at `path`, the certificate or the key (`what`).
    static func read(_ path: String, what: String) throws(LoadError) -> [UInt8] {
        let storage: ByteStorage
        do {
            storage = try FileBytes.read(path: path)
        } catch {
            throw LoadError("TLS \(what): \(error.description)")
        }
        return try withExtendedLifetime(storage) { () throws(LoadError) -> [UInt8] in
            guard storage.bytes.count <= maximumFileSize else {
                throw LoadError("the TLS \(what) \(path) is larger than \(maximumFileSize >> 20) MiB")
            }
            return Array(storage.bytes)
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes.
    fileprivate func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { start in self[start..<start + needle.count].elementsEqual(needle)
        }
    }
}
