/// A column's distinct-value sketch over one segment (`Formats/segment.md` §7.5): the exact set
/// of its values' 64-bit hashes while there are at most 256, else HyperLogLog registers. Queries
/// answer `approx_count_distinct` from the sketches of whole segments instead of reading rows.

import StarlingColumns
import StarlingEncoding

/// The hashes of a column's non-NULL values, kept exactly or as registers.
public struct ColumnSketch: Equatable, Sendable {
    /// What the sketch holds.
    public enum Form: Equatable, Sendable {
        /// The distinct hashes, strictly ascending, at most ``ColumnSketch/exactLimit``.
        case hashes([UInt64])
        /// ``ColumnSketch/registerCount`` registers, each at most ``ColumnSketch/maximumRank``.
        case registers([UInt8])
    }

    /// Distinct hashes kept exactly; one more and the registers take over.
    public static let exactLimit = 256
    /// Registers of a register sketch: 2^12, ``HyperLogLog``'s.
    public static let registerCount = 1 << HyperLogLog.precision
    /// The largest rank a register holds: 64 − 12 leading zeros, plus one.
    public static let maximumRank = UInt8(64 - HyperLogLog.precision + 1)
    /// The stored form's bytes at most: the register form's.
    public static let maximumByteCount = 2 + registerCount

    public let form: Form

    public init(_ form: Form) {
        self.form = form
    }

    /// The 64-bit hash a sketch adds for an integer, DECIMAL (unscaled), DATE (days) or TIMESTAMP
    /// (microseconds) value, a BOOLEAN (0 or 1) or a DOUBLE's canonical bits (``doubleKey(_:)``).
    @inlinable
    public static func hash(_ value: Int64) -> UInt64 { HyperLogLog.mix(value) }

    /// The integer a DOUBLE is hashed by: its bit pattern, with −0 as +0 and every NaN as one.
    @inlinable
    public static func doubleKey(_ value: Double) -> Int64 {
        let canonical = value == 0 ? 0 : (value.isNaN ? Double.nan : value)
        return Int64(bitPattern: canonical.bitPattern)
    }

    /// The 64-bit hash a sketch adds for a string: xxHash64 (seed 0) of its UTF-8 bytes.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { XXHash64.hash(bytes) }

    /// The stored bytes: precision, form, then the hashes or the registers.
    public func serialized() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(UInt8(HyperLogLog.precision))
        switch form {
        case .hashes(let hashes):
            writer.write(0)
            writer.write(littleEndian: UInt16(hashes.count))
            for hash in hashes { writer.write(littleEndian: hash) }
        case .registers(let registers):
            writer.write(1)
            writer.write(bytes: registers)
        }
        return writer.bytes
    }

    /// Parses stored bytes, checking every field; `baseOffset` is their file offset, for errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, baseOffset: Int) throws(EncodedDataError) -> ColumnSketch
    {
        var reader = ByteReader(bytes, baseOffset: baseOffset)
        let precision = try reader.readByte("sketch precision")
        guard Int(precision) == HyperLogLog.precision else {
            throw EncodedDataError(
                offset: baseOffset, reason: "sketch precision \(precision), expected \(HyperLogLog.precision)")
        }
        let form = try reader.readByte("sketch form")
        switch form {
        case 0:
            let count = Int(try reader.read(UInt16.self, "sketch hash count"))
            guard count <= exactLimit else {
                throw EncodedDataError(
                    offset: baseOffset + 2, reason: "sketch holds \(count) hashes, over \(exactLimit)")
            }
            var hashes: [UInt64] = []
            hashes.reserveCapacity(count)
            for index in 0..<count {
                let hash = try reader.read(UInt64.self, "sketch hash \(index)")
                if let last = hashes.last, last >= hash {
                    throw EncodedDataError(
                        offset: baseOffset + 4 + 8 * index, reason: "sketch hashes do not ascend strictly")
                }
                hashes.append(hash)
            }
            try reader.requireEnd("sketch")
            return ColumnSketch(.hashes(hashes))
        case 1:
            let registers = Array(try reader.readBytes(registerCount, "sketch registers"))
            if let index = registers.firstIndex(where: { $0 > maximumRank }) {
                throw EncodedDataError(
                    offset: baseOffset + 2 + index,
                    reason: "sketch register \(index) is \(registers[index]), over \(maximumRank)")
            }
            try reader.requireEnd("sketch")
            return ColumnSketch(.registers(registers))
        default:
            throw EncodedDataError(offset: baseOffset + 1, reason: "unknown sketch form \(form)")
        }
    }
}

/// Where a column's sketch is stored: a range of the data region and its checksum.
public struct SketchLocation: Equatable, Sendable {
    public var offset: Int
    public var length: Int
    /// xxHash64, seed 0, of the stored bytes.
    public var checksum: UInt64

    public init(offset: Int, length: Int, checksum: UInt64) {
        self.offset = offset
        self.length = length
        self.checksum = checksum
    }
}
