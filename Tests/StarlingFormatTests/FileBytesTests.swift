/// Writing files in pieces and reading them back.

import Foundation
import Testing
@testable import StarlingFormat
import StarlingColumns

@Suite("FileBytes")
struct FileBytesTests {
    @Test("a file larger than one write piece is written whole, in order, and reads back and maps the same")
    func writesInPieces() throws {
        let path = NSTemporaryDirectory() + "starling-file-bytes-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var random = SplitMix64(seed: 5)
        let bytes = (0..<(FileBytes.writePiece * 3 + 7)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        try FileBytes.writeUnsynced(bytes, to: path)
        // The storages stay alive while their bytes are compared.
        let read = try FileBytes.read(path: path)
        let mapped = try FileBytes.map(path: path)
        #expect(read.byteCount == bytes.count)
        #expect(read.bytes.elementsEqual(bytes))
        #expect(mapped.bytes.elementsEqual(bytes))
        withExtendedLifetime((read, mapped)) {}
        try FileBytes.writeUnsynced([], to: path)
        #expect(try FileBytes.read(path: path).byteCount == 0)
    }
}
