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

    /// The description of the error reading `path` whole (`whole`) or as a stream throws.
    static func readError(_ path: String, whole: Bool) -> String {
        do {
            if whole { _ = try FileBytes.read(path: path) } else { _ = try FileReader(path: path) }
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("a device, a directory or a pipe is refused saying what it is, not 'Is a directory'")
    func refusesOtherKinds() throws {
        let directory = NSTemporaryDirectory()
        for whole in [true, false] {
            #expect(Self.readError("/dev/null", whole: whole).hasPrefix("cannot read /dev/null: it is a character device"))
            #expect(Self.readError(directory, whole: whole).hasPrefix("cannot read \(directory): it is a directory"))
        }
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer {
            close(descriptors[0])
            close(descriptors[1])
        }
        #expect(Self.readError("/proc/self/fd/\(descriptors[0])", whole: false).contains("it is a pipe"))
    }
}
