/// The checksummed envelope around the JSON of snapshot files and manifest files.

import StarlingColumns
import StarlingEncoding

/// Frames a JSON payload (specified in `Formats/catalog-v1.md` §3, shared by the manifests of
/// `Formats/catalog-v2.md`): a 4-byte magic, the write and read versions (`u16`), the payload
/// length (`u64`), the payload's xxHash64 (`u64`), the payload, and the magic again. Every field
/// is checked before the payload is trusted.
enum CatalogEnvelope {
    /// Bytes before the payload.
    static let headerSize = 24
    /// A payload larger than this is refused as implausible.
    static let maximumPayload = 1 << 30

    /// What a decoded envelope holds.
    struct Contents {
        var writeVersion: UInt16
        var readVersion: UInt16
        /// xxHash64 of the payload, as stored (and checked).
        var checksum: UInt64
        /// The payload's bytes.
        var payload: [UInt8]
    }

    /// The file's bytes: `payload` framed by `magic` with the two versions.
    static func encode(_ payload: [UInt8], magic: [UInt8], writeVersion: UInt16, readVersion: UInt16) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: payload.count + headerSize + magic.count)
        writer.write(bytes: magic)
        writer.write(littleEndian: writeVersion)
        writer.write(littleEndian: readVersion)
        writer.write(littleEndian: UInt64(payload.count))
        writer.write(littleEndian: XXHash64.hash(payload))
        writer.write(bytes: payload)
        writer.write(bytes: magic)
        return writer.bytes
    }

    /// Checks the framing of `storage` (read from `path`, for messages): the magic at both ends, a
    /// read version of at most `supportedReadVersion` and not above the write version, the length
    /// against the file size, and the checksum.
    ///
    /// - Precondition: `magic` is 4 bytes.
    static func decode(
        _ storage: ByteStorage, magic: [UInt8], supportedReadVersion: UInt16, kind: String, path: String
    ) throws(StorageError) -> Contents {
        precondition(magic.count == 4, "magic is 4 bytes")
        let bytes = storage.bytes
        func corrupt(_ offset: Int, _ reason: String) -> StorageError {
            StorageError(.corrupt, "\(path): at byte \(offset): \(reason)")
        }
        guard bytes.count >= headerSize + 4 else {
            throw corrupt(bytes.count, "\(kind) is truncated (\(bytes.count) bytes)")
        }
        let magicText = String(decoding: magic, as: UTF8.self)
        guard Array(bytes[0..<4]) == magic else { throw corrupt(0, "not a Starling \(kind) (no \(magicText) magic)") }
        guard Array(bytes[(bytes.count - 4)...]) == magic else {
            throw corrupt(bytes.count - 4, "\(kind) is truncated (no \(magicText) magic at the end)")
        }
        let writeVersion = bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian
        let readVersion = bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self).littleEndian
        guard readVersion <= supportedReadVersion else {
            throw corrupt(
                6, "\(kind) needs reader version \(readVersion); this build reads up to \(supportedReadVersion)")
        }
        guard readVersion >= 1, readVersion <= writeVersion else {
            throw corrupt(4, "\(kind) has write version \(writeVersion) and read version \(readVersion)")
        }
        let length = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
        guard length <= UInt64(maximumPayload), Int(length) == bytes.count - headerSize - 4 else {
            throw corrupt(8, "payload length \(length) does not match the file size \(bytes.count)")
        }
        let checksum = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian
        let payload = UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(bytes.count - 4)])
        guard XXHash64.hash(payload) == checksum else { throw corrupt(headerSize, "\(kind) checksum mismatch") }
        return Contents(
            writeVersion: writeVersion, readVersion: readVersion, checksum: checksum, payload: Array(payload))
    }

    /// A checksum as the catalog writes it: 16 lower-case hexadecimal digits.
    static func hexadecimal(_ checksum: UInt64) -> String {
        let digits = String(checksum, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
