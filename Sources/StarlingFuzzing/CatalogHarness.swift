/// The catalog harness: a snapshot file's bytes through the catalog reader.

import StarlingColumns
import StarlingEncoding
import StarlingStorage

/// Feeds a snapshot file to ``CatalogFile/decode(_:path:)``: as it is (magic, versions,
/// length, checksum), then *repaired* — the magics, the payload length and the checksum set
/// for the payload it holds (bytes 24 up to the last 4), or for the whole input as the payload
/// when it is too short to hold one — so that mutated JSON reaches the decoder and the
/// catalog's validation. A catalog that decodes must encode and decode again to the same.
enum CatalogHarness {
    static let headerSize = 24

    static func run(_ bytes: UnsafeRawBufferPointer) {
        decode(Array(bytes))
        let payload: UnsafeRawBufferPointer
        var readVersion = CatalogFile.readVersion
        if bytes.count >= headerSize + 4 {
            payload = UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(bytes.count - 4)])
            readVersion = bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self).littleEndian
        } else {
            payload = bytes
        }
        guard let catalog = decode(envelope(payload, readVersion: readVersion)) else { return }
        let again = decode(CatalogFile.encode(catalog))
        FuzzCheck.expect(again == catalog, "a decoded catalog does not survive encoding and decoding again")
    }

    /// The snapshot file holding `payload`.
    static func envelope(_ payload: UnsafeRawBufferPointer, readVersion: UInt16) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: payload.count + headerSize + 4)
        writer.write(bytes: CatalogFile.magic)
        writer.write(littleEndian: CatalogFile.writeVersion)
        writer.write(littleEndian: readVersion)
        writer.write(littleEndian: UInt64(payload.count))
        writer.write(littleEndian: XXHash64.hash(payload))
        writer.write(bytes: payload)
        writer.write(bytes: CatalogFile.magic)
        return writer.bytes
    }

    @discardableResult
    static func decode(_ file: [UInt8]) -> Catalog? {
        file.withUnsafeBytes { try? CatalogFile.decode(ByteStorage(copying: $0), path: "fuzz.stcat") }
    }
}
