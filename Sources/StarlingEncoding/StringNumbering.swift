/// Numbers the distinct strings of a whole vector once, so its chunks need not hash them again.

import StarlingColumns

/// The distinct strings of a VARCHAR vector without NULLs, numbered in order of first
/// appearance, and each row's number. Made once per segment when the rows are written through
/// a sort order: hashing the strings in their stored order reads memory sequentially, and each
/// row group then gathers 4-byte numbers through the order instead of hashing strings scattered
/// across the vector. Borrows the vector's bytes: the vector must outlive it.
public struct StringNumbering {
    /// Each row's number.
    let numbers: [UInt32]
    /// The distinct strings, by number.
    let distinct: [UnsafeRawBufferPointer]

    /// Numbers `vector`'s strings, or nil when it is not a VARCHAR vector without NULLs or holds
    /// more than `limit` distinct strings (its chunks would not be dictionaries anyway).
    public init?(_ vector: ColumnVector, limit: Int = ColumnEncoder.exactDistinctLimit) {
        guard vector.type.physicalType == .string, vector.nullCount == 0 else { return nil }
        if case .dictionary(let codes, let dictionary) = vector.payload {
            guard let numbered = Self.numbered(codes: codes, count: vector.count, dictionary: dictionary, limit: limit) else { return nil }
            (numbers, distinct) = numbered
            return
        }
        var table = ByteSliceTable(limit: limit)
        var complete = true
        let numbers = [UInt32](unsafeUninitializedCapacity: vector.count) { numbers, initialized in
            for row in 0..<vector.count {
                guard let number = table.number(of: vector.stringBytes(at: row)) else { complete = false; break }
                numbers[row] = UInt32(number)
                initialized = row + 1
            }
        }
        guard complete else { return nil }
        self.numbers = numbers
        distinct = table.distinct
    }

    /// A dictionary vector's numbering from its codes: the dictionary's entries numbered (equal
    /// entries sharing a number), then each row's code mapped through them, so no row's string
    /// is hashed. Nil when a code is outside the dictionary or it holds more than `limit`
    /// distinct strings.
    private static func numbered(codes: ByteStorage, count: Int, dictionary: StringStorage, limit: Int) -> ([UInt32], [UnsafeRawBufferPointer])? {
        var table = ByteSliceTable(limit: limit)
        var numberOfEntry: [UInt32] = []
        numberOfEntry.reserveCapacity(dictionary.count)
        for entry in 0..<dictionary.count {
            guard let number = table.number(of: dictionary.bytes(at: entry)) else { return nil }
            numberOfEntry.append(UInt32(number))
        }
        let entries = dictionary.count
        var complete = true
        let numbers = numberOfEntry.withUnsafeBufferPointer { numberOfEntry in
            let source = codes.typed(UInt32.self, count: count)
            return [UInt32](unsafeUninitializedCapacity: count) { numbers, initialized in
                for row in 0..<count {
                    let code = Int(source[row])
                    guard code < entries else { complete = false; break }
                    numbers[row] = numberOfEntry[code]
                    initialized = row + 1
                }
            }
        }
        guard complete else { return nil }
        return (numbers, table.distinct)
    }

    /// The numbers of `rows`.
    func numbers(_ rows: ChunkRows) -> [UInt32] {
        numbers.withUnsafeBufferPointer { numbers in rows.gather(numbers) { $0 } }
    }
}
