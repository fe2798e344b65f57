/// Physical Parquet values turned into Starling's representation, one per row.

import StarlingColumns
import StarlingEncoding

/// Converts a leaf's decoded values (present ones only) to its Starling type and spreads them
/// over the rows by the definition levels. Values the type cannot hold (a UINT_64 past BIGINT, a
/// TINYINT of 300, a timestamp past the microsecond range) are errors naming the column.
struct ParquetValueConversion {
    let column: ParquetLeafColumn
    let type: LogicalType
    let path: String

    func dense(_ physical: ParquetPhysicalValues, definitions: [UInt8]?, rows: Int) throws(ParquetError)
        -> ParquetColumnData
    {
        let present = definitions.map { $0.reduce(0) { $0 + Int($1) } } ?? rows
        guard physical.count == present, definitions.map({ $0.count == rows }) ?? true else {
            throw failure("damaged: \(physical.count) values for \(present) present rows of \(rows)")
        }
        let nulls = definitions.flatMap { levels in levels.contains(0) ? levels.map { $0 == 0 } : nil }
        let values: ParquetColumnData.Values
        switch type {
        case .boolean:
            guard physical.physical == ParquetPhysical.boolean else { throw mismatch() }
            values = .booleans(spread(physical.booleans, nulls, rows, empty: false))
        case .double:
            guard physical.physical == ParquetPhysical.float || physical.physical == ParquetPhysical.double else {
                throw mismatch()
            }
            values = .doubles(spread(physical.doubles, nulls, rows, empty: 0))
        case .varchar:
            if let codes = physical.codes, let dictionary = physical.codeDictionary, !dictionary.ends.isEmpty {
                values = .dictionary(
                    codes: spread(codes, nulls, rows, empty: 0), bytes: dictionary.bytes, ends: dictionary.ends)
            } else {
                values = try strings(physical, nulls, rows)
            }
        default:
            values = .integers(spread(try integers(physical), nulls, rows, empty: 0))
        }
        return ParquetColumnData(type: type, values: values, nulls: nulls, count: rows)
    }

    /// Present values placed at their rows, `empty` at NULL rows.
    private func spread<T>(_ values: [T], _ nulls: [Bool]?, _ rows: Int, empty: T) -> [T] {
        guard let nulls else { return values }
        var result = [T](repeating: empty, count: rows)
        var next = 0
        for row in 0..<rows where !nulls[row] {
            result[row] = values[next]
            next += 1
        }
        return result
    }

    private func integers(_ physical: ParquetPhysicalValues) throws(ParquetError) -> [Int64] {
        let isInteger = physical.physical == ParquetPhysical.int32 || physical.physical == ParquetPhysical.int64
        var values: [Int64]
        switch column.conversion {
        case .signed:
            guard isInteger else { throw mismatch() }
            values = physical.integers
        case .unsigned:
            guard isInteger else { throw mismatch() }
            if physical.physical == ParquetPhysical.int32 {
                values = physical.integers.map { Int64(UInt32(truncatingIfNeeded: $0)) }
            } else {
                if let negative = physical.integers.first(where: { $0 < 0 }) {
                    throw failure("the unsigned value \(UInt64(bitPattern: negative)) is past BIGINT")
                }
                values = physical.integers
            }
        case .timestamp(let unitsPerMicrosecond, let microsecondsPerUnit):
            guard physical.physical == ParquetPhysical.int64 else { throw mismatch() }
            values = []
            values.reserveCapacity(physical.integers.count)
            for value in physical.integers {
                if unitsPerMicrosecond > 1 {
                    let (quotient, remainder) = value.quotientAndRemainder(dividingBy: unitsPerMicrosecond)
                    values.append(remainder < 0 ? quotient - 1 : quotient)
                } else {
                    let (product, overflow) = value.multipliedReportingOverflow(by: microsecondsPerUnit)
                    guard !overflow else { throw failure("the timestamp \(value) is past the microsecond range") }
                    values.append(product)
                }
            }
        case .int96Timestamp:
            guard physical.physical == ParquetPhysical.int96 else { throw mismatch() }
            values = physical.integers
        case .decimalBytes:
            guard
                physical.physical == ParquetPhysical.byteArray
                    || physical.physical == ParquetPhysical.fixedLengthByteArray
            else { throw mismatch() }
            values = try bigEndianDecimals(physical)
        default:
            throw mismatch()
        }
        try checkRange(values)
        return values
    }

    /// Big-endian two's complement unscaled values, each of which must fit 64 bits.
    private func bigEndianDecimals(_ physical: ParquetPhysicalValues) throws(ParquetError) -> [Int64] {
        var values: [Int64] = []
        values.reserveCapacity(physical.ends.count)
        var start = 0
        for end in physical.ends {
            let bytes = physical.bytes[start..<end]
            start = end
            guard let first = bytes.first else {
                values.append(0)
                continue
            }
            let sign: UInt8 = first & 0x80 != 0 ? 0xFF : 0
            guard bytes.dropLast(8).allSatisfy({ $0 == sign }) else { throw failure("a DECIMAL value past 18 digits") }
            var value: Int64 = first & 0x80 != 0 ? -1 : 0
            for byte in bytes.suffix(8) { value = value << 8 | Int64(byte) }
            values.append(value)
        }
        return values
    }

    /// Values within the type's range (the narrow integers, and DECIMAL's digits).
    private func checkRange(_ values: [Int64]) throws(ParquetError) {
        let bounds: ClosedRange<Int64>?
        switch type {
        case .tinyint: bounds = Int64(Int8.min)...Int64(Int8.max)
        case .smallint: bounds = Int64(Int16.min)...Int64(Int16.max)
        case .integer, .date:
            // INT32 values fit by construction; unsigned and 64-bit ones are checked.
            bounds =
                column.physicalType == ParquetPhysical.int32 && column.conversion == .signed
                ? nil : Int64(Int32.min)...Int64(Int32.max)
        case .decimal(let precision, _):
            var limit: Int64 = 1
            for _ in 0..<precision { limit &*= 10 }
            bounds = (1 - limit)...(limit - 1)
        default: bounds = nil
        }
        guard let bounds, let outside = values.first(where: { !bounds.contains($0) }) else { return }
        throw failure("the value \(outside) does not fit \(type)")
    }

    private func strings(_ physical: ParquetPhysicalValues, _ nulls: [Bool]?, _ rows: Int) throws(ParquetError)
        -> ParquetColumnData.Values
    {
        guard
            physical.physical == ParquetPhysical.byteArray || physical.physical == ParquetPhysical.fixedLengthByteArray
        else { throw mismatch() }
        var bytes = physical.bytes
        var ends = physical.ends
        if column.conversion == .uuid {
            (bytes, ends) = try uuids(physical)
        }
        guard let nulls else { return .strings(bytes: bytes, ends: ends) }
        var spreadEnds = [Int](repeating: 0, count: rows)
        var next = 0
        var end = 0
        for row in 0..<rows {
            if !nulls[row] {
                end = ends[next]
                next += 1
            }
            spreadEnds[row] = end
        }
        return .strings(bytes: bytes, ends: spreadEnds)
    }

    private func uuids(_ physical: ParquetPhysicalValues) throws(ParquetError) -> ([UInt8], [Int]) {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var start = 0
        for end in physical.ends {
            guard end - start == 16 else { throw failure("a UUID of \(end - start) bytes") }
            for (index, byte) in physical.bytes[start..<end].enumerated() {
                if [4, 6, 8, 10].contains(index) { bytes.append(UInt8(ascii: "-")) }
                bytes.append(digits[Int(byte >> 4)])
                bytes.append(digits[Int(byte & 0x0F)])
            }
            ends.append(bytes.count)
            start = end
        }
        return (bytes, ends)
    }

    private func mismatch() -> ParquetError {
        failure("damaged: a \(type) column stored as physical type \(column.physicalType)")
    }

    private func failure(_ message: String) -> ParquetError {
        ParquetError(path: path, "column \(column.name): \(message)")
    }
}
