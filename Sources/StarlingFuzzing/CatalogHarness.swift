/// The catalog harness: a snapshot file's bytes through the catalog reader, and the same bytes
/// as a manifest's payload through the manifest decoder.

import StarlingColumns
import StarlingEncoding
import StarlingStorage

/// Feeds the input to ``CatalogFile/decode(_:path:)`` as it is (magic, versions, length,
/// checksum), then *repaired* — the magics, the payload length and the checksum set for the
/// payload it holds (bytes 24 up to the last 4), or for the whole input as the payload when it is
/// too short to hold one — so that mutated JSON reaches the decoder and, for a format 1 catalog,
/// its validation; a format 1 catalog that decodes must encode and decode again to the same. The
/// input is also read as the binary payload of a manifest file (`Formats/catalog-v2.md` §4): a
/// manifest that decodes (in either manifest version's layout) must encode to a payload that
/// decodes to the same.
enum CatalogHarness {
    static let headerSize = 24

    static func run(_ bytes: UnsafeRawBufferPointer) {
        decode(Array(bytes))
        let payload: UnsafeRawBufferPointer
        var writeVersion: UInt16 = 3
        var readVersion: UInt16 = 1
        if bytes.count >= headerSize + 4 {
            payload = UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(bytes.count - 4)])
            writeVersion = bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self).littleEndian
            readVersion = bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self).littleEndian
        } else {
            payload = bytes
        }
        if case .version1(let catalog, let history, _) = decode(
            envelope(payload, writeVersion: writeVersion, readVersion: readVersion))
        {
            // Compared as encoded bytes: a NaN statistic is not equal to itself.
            let encoded = CatalogVersion1.encode(catalog, history: history)
            if case .version1(let decoded, let decodedHistory, _) = decode(encoded) {
                FuzzCheck.expect(
                    CatalogVersion1.encode(decoded, history: decodedHistory) == encoded,
                    "a decoded catalog does not survive encoding and decoding again")
            } else {
                FuzzCheck.expect(false, "a decoded catalog does not decode again once encoded")
            }
        }
        manifest(Array(payload))
    }

    /// The snapshot file holding `payload`.
    static func envelope(_ payload: UnsafeRawBufferPointer, writeVersion: UInt16, readVersion: UInt16) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: payload.count + headerSize + 4)
        writer.write(bytes: CatalogFile.magic)
        writer.write(littleEndian: writeVersion)
        writer.write(littleEndian: readVersion)
        writer.write(littleEndian: UInt64(payload.count))
        writer.write(littleEndian: XXHash64.hash(payload))
        writer.write(bytes: payload)
        writer.write(bytes: CatalogFile.magic)
        return writer.bytes
    }

    @discardableResult
    static func decode(_ file: [UInt8]) -> CatalogFile.Contents? {
        file.withUnsafeBytes { try? CatalogFile.decode(ByteStorage(copying: $0), path: "fuzz.stcat").0 }
    }

    /// `payload` as a manifest's, in the layout of each manifest version (1: no distinct counts;
    /// 2: with them): decoded, and when it decodes, encoded and decoded again.
    static func manifest(_ payload: [UInt8]) {
        for version: UInt16 in [1, 2] {
            guard let document = try? ManifestFile.document(payload, version: version) else { continue }
            // Compared as bytes: a NaN statistic is not equal to itself.
            let encoded = ManifestFile.payload(document, version: version)
            let again = (try? ManifestFile.document(encoded, version: version)).map {
                ManifestFile.payload($0, version: version)
            }
            FuzzCheck.expect(again == encoded, "a decoded manifest does not survive encoding and decoding again")
        }
    }
}
