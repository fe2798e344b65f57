/// Orders every module compares by: byte runs, and doubles by IEEE 754 total order.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sort key that orders doubles' bit patterns by IEEE 754 total order when compared as `Int64`.
@inlinable @inline(__always)
public func totalOrderKey(ofDoubleBits bits: Int64) -> Int64 {
    bits >= 0 ? bits : bits ^ Int64.max
}

/// A double's sort key as SQL orders doubles: -0 as 0 and every NaN as one NaN, after every
/// number (IEEE 754 total order otherwise). Equal values get equal keys.
@inlinable @inline(__always)
public func canonicalOrderKey(_ value: Double) -> Int64 {
    let canonical = value.isNaN ? Double.nan : (value == 0 ? 0 : value)
    return totalOrderKey(ofDoubleBits: Int64(bitPattern: canonical.bitPattern))
}

/// Bytewise comparison of two byte runs (shorter first when one is a prefix of the other).
@inlinable
public func compareBytes(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
    let common = min(left.count, right.count)
    if common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
        let result = memcmp(leftBase, rightBase, common)
        if result != 0 { return Int(result) }
    }
    return left.count - right.count
}
