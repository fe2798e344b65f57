/// A HyperLogLog sketch: estimates the number of distinct values in one pass and fixed memory.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Flajolet et al.'s HyperLogLog with 2^12 one-byte registers (about 1.6% standard error) and
/// linear counting for small cardinalities. Values are added by their 64-bit hash.
public struct HyperLogLog: Sendable {
    /// log2 of the register count.
    public static let precision = 12
    @usableFromInline var registers: [UInt8]

    public init() {
        registers = [UInt8](repeating: 0, count: 1 << HyperLogLog.precision)
    }

    /// Adds a value by its 64-bit hash.
    @inlinable
    public mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - HyperLogLog.precision))
        let rest = hash << UInt64(HyperLogLog.precision)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - HyperLogLog.precision) + 1)
        registers.withUnsafeMutableBufferPointer { buffer in
            if buffer[index] < rank { buffer[index] = rank }
        }
    }

    /// Adds every value of a chunk by its mixed 64-bit form, in one pass over the registers.
    public mutating func add(integers values: UnsafeBufferPointer<Int64>) {
        let shift = UInt64(64 - HyperLogLog.precision)
        let limit = 64 - HyperLogLog.precision
        registers.withUnsafeMutableBufferPointer { registers in
            for value in values {
                // One full-width multiplication, its halves folded (wyhash's mix): the high bits
                // (the register) and the rest (the rank) avalanche well enough for a sketch, at a
                // third of the multiplications of xxHash's avalanche.
                let product = (UInt64(bitPattern: value) ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: 0xD6E8_FEB8_6659_FD93)
                let hash = product.high ^ product.low
                let index = Int(hash >> shift)
                let rank = UInt8(min((hash << UInt64(HyperLogLog.precision)).leadingZeroBitCount, limit) + 1)
                if registers[index] < rank { registers[index] = rank }
            }
        }
    }

    /// Folds another sketch into this one (the union of both value sets).
    public mutating func merge(_ other: HyperLogLog) {
        for index in registers.indices where registers[index] < other.registers[index] {
            registers[index] = other.registers[index]
        }
    }

    /// The estimated number of distinct values added.
    public var estimate: UInt64 {
        let count = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1.0 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / count)
        let raw = alpha * count * count / sum
        if raw <= 2.5 * count, zeros > 0 {
            return UInt64((count * log(count / Double(zeros))).rounded())
        }
        return UInt64(raw.rounded())
    }
}
