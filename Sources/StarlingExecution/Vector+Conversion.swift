/// Converting between stored ``ColumnVector``s and the executor's ``Vector``s, and gathering rows.

import StarlingColumns

extension Vector {
    /// Widens a decoded vector: integer-like values to `Int64`, validity bits to a NULL mask.
    public init(_ column: ColumnVector) {
        let count = column.count
        var nulls: [Bool]?
        if let validity = column.validity, validity.nullCount > 0 {
            nulls = (0..<count).map { !validity.isValid($0) }
        }
        switch column.payload {
        case .strings(let strings):
            self.init(type: column.type, count: count, data: .strings(strings), nulls: nulls)
        case .dictionary(let codes, let dictionary):
            let typed = UnsafeBufferPointer(codes.typed(UInt32.self, count: count))
            self.init(type: column.type, count: count, data: .dictionary(codes: Array(typed), dictionary: dictionary), nulls: nulls)
        case .fixed(let storage):
            switch column.type.physicalType {
            case .boolean:
                let bytes = UnsafeBufferPointer(storage.typed(UInt8.self, count: count))
                self.init(type: column.type, count: count, data: .booleans(bytes.map { $0 != 0 }), nulls: nulls)
            case .float64:
                self.init(type: column.type, count: count, data: .doubles(Array(UnsafeBufferPointer(storage.typed(Double.self, count: count)))), nulls: nulls)
            case .int8: self.init(type: column.type, count: count, data: .integers(Self.widen(storage, Int8.self, count)), nulls: nulls)
            case .int16: self.init(type: column.type, count: count, data: .integers(Self.widen(storage, Int16.self, count)), nulls: nulls)
            case .int32: self.init(type: column.type, count: count, data: .integers(Self.widen(storage, Int32.self, count)), nulls: nulls)
            case .int64: self.init(type: column.type, count: count, data: .integers(Array(UnsafeBufferPointer(storage.typed(Int64.self, count: count)))), nulls: nulls)
            case .interval:
                self.init(type: column.type, count: count, data: .intervals(Array(UnsafeBufferPointer(storage.typed(Interval.self, count: count)))), nulls: nulls)
            case .string: preconditionFailure("string type with a fixed payload")
            }
        }
    }

    /// Widens only the rows at `rows` of a decoded vector (a scan's late-materialised columns).
    public init(_ column: ColumnVector, rows: [Int32]) {
        let count = rows.count
        var nulls: [Bool]?
        if let validity = column.validity, validity.nullCount > 0 {
            nulls = rows.map { !validity.isValid(Int($0)) }
        }
        switch column.payload {
        case .strings(let strings):
            var builder = StringStorageBuilder()
            for row in rows { builder.append(bytes: strings.bytes(at: Int(row))) }
            self.init(type: column.type, count: count, data: .strings(builder.finish()), nulls: nulls)
        case .dictionary(let codes, let dictionary):
            let typed = UnsafeBufferPointer(codes.typed(UInt32.self, count: column.count))
            self.init(type: column.type, count: count, data: .dictionary(codes: Self.pick(typed, rows), dictionary: dictionary), nulls: nulls)
        case .fixed(let storage):
            switch column.type.physicalType {
            case .boolean:
                let bytes = UnsafeBufferPointer(storage.typed(UInt8.self, count: column.count))
                self.init(type: column.type, count: count, data: .booleans(rows.map { bytes[Int($0)] != 0 }), nulls: nulls)
            case .float64:
                let values = UnsafeBufferPointer(storage.typed(Double.self, count: column.count))
                self.init(type: column.type, count: count, data: .doubles(Self.pick(values, rows)), nulls: nulls)
            case .int8: self.init(type: column.type, count: count, data: .integers(Self.widen(storage, Int8.self, column.count, rows)), nulls: nulls)
            case .int16: self.init(type: column.type, count: count, data: .integers(Self.widen(storage, Int16.self, column.count, rows)), nulls: nulls)
            case .int32: self.init(type: column.type, count: count, data: .integers(Self.widen(storage, Int32.self, column.count, rows)), nulls: nulls)
            case .int64: self.init(type: column.type, count: count, data: .integers(Self.widen(storage, Int64.self, column.count, rows)), nulls: nulls)
            case .interval:
                let values = UnsafeBufferPointer(storage.typed(Interval.self, count: column.count))
                self.init(type: column.type, count: count, data: .intervals(Self.pick(values, rows)), nulls: nulls)
            case .string: preconditionFailure("string type with a fixed payload")
            }
        }
    }

    /// `source`'s values at `rows`, in one loop over raw buffers (rows index the decoded chunk
    /// the scan selected them from, so each is below `source.count`).
    static func pick<T>(_ source: UnsafeBufferPointer<T>, _ rows: [Int32]) -> [T] {
        rows.withUnsafeBufferPointer { rows in
            [T](unsafeUninitializedCapacity: rows.count) { buffer, initialized in
                for index in 0..<rows.count { buffer[index] = source[Int(rows[index])] }
                initialized = rows.count
            }
        }
    }

    static func widen<T: FixedWidthInteger>(_ storage: ByteStorage, _ type: T.Type, _ count: Int, _ rows: [Int32]) -> [Int64] {
        let source = UnsafeBufferPointer(storage.typed(T.self, count: count))
        return rows.withUnsafeBufferPointer { rows in
            [Int64](unsafeUninitializedCapacity: rows.count) { buffer, initialized in
                for index in 0..<rows.count { buffer[index] = Int64(source[Int(rows[index])]) }
                initialized = rows.count
            }
        }
    }

    static func widen<T: FixedWidthInteger>(_ storage: ByteStorage, _ type: T.Type, _ count: Int) -> [Int64] {
        let source = UnsafeBufferPointer(storage.typed(T.self, count: count))
        return [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer[index] = Int64(source[index]) }
            initialized = count
        }
    }

    /// A stored vector of the same type, for writing (values must fit the type's physical width).
    public func columnVector() -> ColumnVector {
        var builder = ColumnVectorBuilder(type: type, reservingCapacity: count)
        for row in 0..<count {
            if isNull(row) { builder.appendNull(); continue }
            switch data {
            case .integers(let values): builder.append(integer: values[row])
            case .doubles(let values): builder.append(double: values[row])
            case .booleans(let values): builder.append(integer: values[row] ? 1 : 0)
            case .strings, .dictionary: builder.append(stringBytes: stringBytes(at: row))
            case .intervals(let values): builder.append(interval: values[row])
            }
        }
        return builder.finish()
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int32]) -> Vector {
        let newNulls: [Bool]? = nulls.map { mask in indices.map { mask[Int($0)] } }
        switch data {
        case .integers(let values):
            let gathered = Self.gather(values, indices)
            return Vector(type: type, count: indices.count, data: .integers(gathered), nulls: newNulls, bounds: bounds)
        case .doubles(let values): return Vector(type: type, count: indices.count, data: .doubles(Self.gather(values, indices)), nulls: newNulls)
        case .booleans(let values): return Vector(type: type, count: indices.count, data: .booleans(Self.gather(values, indices)), nulls: newNulls)
        case .intervals(let values): return Vector(type: type, count: indices.count, data: .intervals(Self.gather(values, indices)), nulls: newNulls)
        case .dictionary(let codes, let dictionary):
            return Vector(type: type, count: indices.count, data: .dictionary(codes: Self.gather(codes, indices), dictionary: dictionary), nulls: newNulls)
        case .strings(let strings):
            // Late materialisation: rows picked from a string column no larger than a few times
            // the rows picked (a join's build side, repeated across its matches) become codes
            // into that column, not copies of its bytes; kernels and group keys then work per
            // distinct entry.
            if strings.count <= 4 * indices.count, strings.count <= Int(UInt32.max) { return gatherSharingStrings(indices) }
            var builder = StringStorageBuilder()
            for index in indices { builder.append(bytes: strings.bytes(at: Int(index))) }
            return Vector(type: type, count: indices.count, data: .strings(builder.finish()), nulls: newNulls)
        }
    }

    /// The rows at `indices` of a join's build side: string columns always become codes into the
    /// build side's own storage (which the join keeps alive anyway), however few rows are picked,
    /// so repeated strings are not copied and a GROUP BY numbers each build row's string once.
    public func gatherSharingStrings(_ indices: [Int32]) -> Vector {
        guard case .strings(let strings) = data, strings.count <= Int(UInt32.max) else { return gather(indices) }
        let codes = indices.map { UInt32(truncatingIfNeeded: $0) }
        let newNulls: [Bool]? = nulls.map { mask in indices.map { mask[Int($0)] } }
        return Vector(type: type, count: indices.count, data: .dictionary(codes: codes, dictionary: strings), nulls: newNulls)
    }

    /// Whether kernels should work once per dictionary entry rather than once per row: when the
    /// dictionary is not much larger than the rows that use it (a build side's whole column
    /// behind a few hundred probe rows is not).
    @inline(__always)
    static func perEntry(entries: Int, rows: Int) -> Bool {
        entries <= Swift.max(64, 2 * rows)
    }

    /// The rows at `indices`, where a negative index gives NULL (the unmatched side of an outer join).
    public func gatherOrNull(_ indices: [Int32]) -> Vector {
        guard indices.contains(where: { $0 < 0 }) else { return gather(indices) }
        let safe = indices.map { max($0, 0) }
        let gathered = count == 0 ? Vector(constant: .null, type: type, count: indices.count) : gather(safe)
        var newNulls = gathered.nulls ?? [Bool](repeating: false, count: indices.count)
        for (position, index) in indices.enumerated() where index < 0 { newNulls[position] = true }
        return gathered.withNulls(newNulls)
    }

    @inline(__always)
    static func gather<T>(_ values: [T], _ indices: [Int32]) -> [T] {
        values.withUnsafeBufferPointer { source in
            indices.withUnsafeBufferPointer { rows in
                [T](unsafeUninitializedCapacity: rows.count) { buffer, initialized in
                    for position in 0..<rows.count { buffer[position] = source[Int(rows[position])] }
                    initialized = rows.count
                }
            }
        }
    }

    /// Concatenates vectors of the same type.
    public static func concatenate(_ parts: [Vector], type: LogicalType) -> Vector {
        if parts.count == 1 { return parts[0] }
        let total = parts.reduce(0) { $0 + $1.count }
        let anyNulls = parts.contains { $0.nulls != nil }
        let nulls: [Bool]? = anyNulls ? parts.flatMap { $0.nulls ?? [Bool](repeating: false, count: $0.count) } : nil
        switch type.physicalType {
        case .boolean:
            return Vector(type: type, count: total, data: .booleans(parts.flatMap { if case .booleans(let v) = $0.data { return v }; return [Bool](repeating: false, count: $0.count) }), nulls: nulls)
        case .float64:
            return Vector(type: type, count: total, data: .doubles(parts.flatMap { if case .doubles(let v) = $0.data { return v }; return [Double](repeating: 0, count: $0.count) }), nulls: nulls)
        case .string:
            if let merged = mergedDictionary(parts, count: total) {
                return Vector(type: type, count: total, data: .dictionary(codes: merged.codes, dictionary: merged.dictionary), nulls: nulls)
            }
            var builder = StringStorageBuilder()
            for part in parts {
                for row in 0..<part.count { builder.append(bytes: part.stringBytes(at: row)) }
            }
            return Vector(type: type, count: total, data: .strings(builder.finish()), nulls: nulls)
        case .interval:
            return Vector(type: type, count: total, data: .intervals(parts.flatMap { if case .intervals(let v) = $0.data { return v }; return [Interval](repeating: .zero, count: $0.count) }), nulls: nulls)
        case .int8, .int16, .int32, .int64:
            return Vector(type: type, count: total, data: .integers(parts.flatMap { if case .integers(let v) = $0.data { return v }; return [Int64](repeating: 0, count: $0.count) }), nulls: nulls)
        }
    }

    /// When every part is dictionary-coded (as a dimension's low-cardinality columns are, row
    /// group by row group), one dictionary of their distinct strings and every row's code in it,
    /// so the concatenation stays coded (and groups and filters on it keep working on codes).
    private static func mergedDictionary(_ parts: [Vector], count: Int) -> (codes: [UInt32], dictionary: StringStorage)? {
        var dictionaries: [(codes: [UInt32], dictionary: StringStorage)] = []
        for part in parts {
            guard case .dictionary(let codes, let dictionary) = part.data else { return nil }
            dictionaries.append((codes, dictionary))
        }
        // Parts coded into one and the same dictionary (rows gathered from one column) keep it.
        if let first = dictionaries.first, dictionaries.allSatisfy({ $0.dictionary.offsets === first.dictionary.offsets && $0.dictionary.bytes === first.dictionary.bytes }) {
            var codes: [UInt32] = []
            codes.reserveCapacity(count)
            for part in dictionaries { codes.append(contentsOf: part.codes) }
            return (codes, first.dictionary)
        }
        // Many entries in all (a build side's rows gathered morsel by morsel from a unique
        // column): the entries some row uses, copied part after part without hashing. Equal
        // strings may then hold two codes, which no kernel relies on.
        let entries = dictionaries.reduce(0) { $0 + $1.dictionary.count }
        if entries > Self.internedMergeLimit { return compactedDictionary(dictionaries, count: count) }
        // Entries are numbered by their bytes (not String: Swift's String equality would merge
        // canonically equivalent but different byte sequences), and only those some row uses: a
        // filtered row group keeps its whole dictionary, most of which no row may name.
        let interner = StringInterner()
        var codes: [UInt32] = []
        codes.reserveCapacity(count)
        for (partCodes, dictionary) in dictionaries {
            guard dictionary.count > 0 else {
                codes.append(contentsOf: repeatElement(0, count: partCodes.count))
                continue
            }
            // Codes of NULL rows may be any value; they stay in range.
            let limit = UInt32(dictionary.count)
            let inRange = partCodes.allSatisfy { $0 < limit } ? partCodes : partCodes.map { $0 < limit ? $0 : 0 }
            for number in interner.intern(codes: inRange, of: dictionary, count: inRange.count) { codes.append(UInt32(truncatingIfNeeded: number)) }
        }
        return (codes, interner.storage())
    }

    /// The most dictionary entries (all parts together) whose concatenation numbers strings by
    /// their bytes, so repeated values across parts share one code; more are copied as they are.
    static let internedMergeLimit = 1 << 16

    /// One dictionary of the entries the parts' rows use, part after part, and every row's code
    /// in it. Codes of NULL rows may be any value; out-of-range ones become the part's first entry.
    private static func compactedDictionary(_ parts: [(codes: [UInt32], dictionary: StringStorage)], count: Int)
        -> (codes: [UInt32], dictionary: StringStorage)
    {
        var builder = StringStorageBuilder()
        var codes = [UInt32]()
        codes.reserveCapacity(count)
        for (partCodes, dictionary) in parts {
            guard dictionary.count > 0 else {
                if builder.count == 0 { builder.append(bytes: UnsafeRawBufferPointer(start: nil, count: 0)) }
                codes.append(contentsOf: repeatElement(0, count: partCodes.count))
                continue
            }
            let unused = UInt32.max
            var renumbered = [UInt32](repeating: unused, count: dictionary.count)
            renumbered.withUnsafeMutableBufferPointer { renumbered in
                for code in partCodes {
                    let entry = Int(code) < renumbered.count ? Int(code) : 0
                    if renumbered[entry] == unused {
                        renumbered[entry] = UInt32(truncatingIfNeeded: builder.count)
                        builder.append(bytes: dictionary.bytes(at: entry))
                    }
                    codes.append(renumbered[entry])
                }
            }
        }
        return (codes, builder.finish())
    }
}
