/// Fixed-width hexadecimal text for 64-bit values (checksums, content hashes, bit patterns).

/// `value` as 16 lower-case hexadecimal digits, zero-padded.
public func hexadecimalDigits(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
