/// Folding one worker's partial aggregate into another's.

extension AggregateState {
    /// Folds another worker's groups into this one: each of its keys is looked up (or added)
    /// here, strings by text unless both states number strings alike.
    func merge(_ other: AggregateState, control: QueryControl? = nil) throws(QueryError) {
        // `mapping[g]`: the group here of the other's group `g` (a global aggregate's one group
        // maps to this one's).
        var mapping = [Int32](repeating: 0, count: other.groupCount)
        switch (keys, other.keys) {
        case (.none, _):
            break
        case (.integer(let index), .integer(let otherIndex)):
            let otherKeys = otherIndex.keys
            let nullPosition = otherIndex.nullNumber >= 0 ? Int(otherIndex.nullNumber) : nil
            let nulls = nullPosition.map { position in otherKeys.indices.map { $0 == position } }
            otherKeys.withUnsafeBufferPointer { keys in
                mapping.withUnsafeMutableBufferPointer { mapping in
                    index.findOrInsert(keys, nulls: nulls, into: mapping)
                }
            }
            if let nullPosition { mapping[nullPosition] = index.findOrInsertNull() }
        case (.general(let table, let strings), .general(let otherTable, let otherStrings)):
            let width = table.width
            var words = otherTable.keys
            if strings !== otherStrings {
                try renumberStrings(&words, width: width, from: otherStrings, control: control)
            }
            try control?.check()
            let before = table.count
            words.withUnsafeBufferPointer { words in
                mapping.withUnsafeMutableBufferPointer { mapping in
                    table.findOrInsert(words, rows: otherTable.count, into: mapping)
                }
            }
            // The other's groups new here bring their intervals, in the order they were numbered.
            let intervalColumns = keyTypes.indices.filter { keyTypes[$0].physicalType == .interval }
            if !intervalColumns.isEmpty {
                var next = before
                for group in 0..<otherTable.count where Int(mapping[group]) == next {
                    for column in intervalColumns { groupIntervals[column].append(other.groupIntervals[column][group]) }
                    next += 1
                }
            }
        default:
            throw .invalid("aggregate states of different shapes cannot be merged")
        }
        updateGroupCount()
        for (index, accumulator) in accumulators.enumerated() where sumSources[index] == nil {
            try accumulator.merge(other.accumulators[index], mapping: mapping)
        }
    }

    /// Folds in a state with the same aggregates grouped by more keys, this one's keys being its
    /// keys at `positions`: each of its groups lands in the group here of those keys (ROLLUP's
    /// subtotals from its detail groups rather than from the rows). Call before `finer` finishes.
    func absorb(_ finer: AggregateState, keyPositions positions: [Int]) throws(QueryError) {
        let mapping: [Int32]
        if groups.isEmpty {
            mapping = [Int32](repeating: 0, count: finer.groupCount)
        } else {
            let columns = finer.keyColumns(types: finer.keyTypes, parallel: false)
            guard positions.allSatisfy(columns.indices.contains) else {
                throw .invalid("a subtotal's keys must be among its detail's keys")
            }
            mapping = assign(positions.map { columns[$0] }, count: finer.groupCount)
        }
        updateGroupCount()
        for (index, accumulator) in accumulators.enumerated() where sumSources[index] == nil {
            try accumulator.merge(finer.accumulators[index], mapping: mapping)
        }
    }

    /// The string and interval words of `words` (key tuples of `width` words, numbered by
    /// `otherStrings`) renumbered by this state's numberings.
    private func renumberStrings(
        _ words: inout [Int64], width: Int, from otherStrings: SharedStringInterner, control: QueryControl?
    )
        throws(QueryError)
    {
        guard case .general(_, let strings) = keys else { return }
        let stringColumns = keyTypes.indices.filter { keyTypes[$0].physicalType == .string }
        let intervalColumns = keyTypes.indices.filter { keyTypes[$0].physicalType == .interval }
        let columnCount = keyTypes.count
        for number in 0..<(words.count / max(width, 1)) {
            // Many groups of long strings take a while: a cancel lands within 65,536 groups.
            if number & 0xFFFF == 0xFFFF { try control?.check() }
            for column in stringColumns {
                let isNull = words.withUnsafeBufferPointer { words in
                    KeyEncoder.isNull(
                        UnsafeBufferPointer(rebasing: words[(number * width)..<((number + 1) * width)]), column: column,
                        columnCount: columnCount)
                }
                if !isNull {
                    words[number * width + column] = strings.interner(column).intern(
                        Int(words[number * width + column]), of: otherStrings.interner(column))
                }
            }
            for column in intervalColumns {
                let isNull = words.withUnsafeBufferPointer { words in
                    KeyEncoder.isNull(
                        UnsafeBufferPointer(rebasing: words[(number * width)..<((number + 1) * width)]), column: column,
                        columnCount: columnCount)
                }
                guard !isNull else { continue }
                let value = otherStrings.intervals(column).representative(words[number * width + column])
                words[number * width + column] = strings.intervals(column).number(value, insert: true)
            }
        }
    }
}
