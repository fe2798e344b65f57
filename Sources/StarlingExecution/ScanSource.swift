/// Reads a scan's segments row group by row group: zone-map pruning, filter first, then the rest.

import StarlingColumns
import StarlingEncoding
import StarlingFormat
import StarlingStorage

/// The running state of one scan: its opened segments and its morsels (one per row group).
final class ScanSource: @unchecked Sendable {
    let specification: ScanSpecification
    let readers: [SegmentReader]
    /// (segment, row group) pairs.
    let morsels: [(segment: Int, rowGroup: Int)]
    /// The code tests: a star join's row-code column with the bitmap of codes its dimension lets
    /// through, or a join key's column with the bitmap of build keys (`read` orders them per row
    /// group).
    let codeFilters: [(scanColumn: Int, codes: CodeBitmap)]
    /// Per reference column shown as its dimension's key: the keys in row-code order.
    let referenceKeys: [Int: Vector]
    /// Per segment, per scan column: the file column index, or nil when the file predates it.
    let fileColumns: [[Int?]]
    /// The filter as ranges tested on encoded chunks, and the residual conjuncts.
    let filter: ScanFilter
    /// Per scan column stored keyed in some segment: its side files' maps (and their paths, for
    /// errors), by key column identifier.
    let keyedValues: [Int: [Int: (map: KeyedValues, path: String)]]

    /// `segment`'s reader, checked against the catalog's row and column counts; a file vacuumed
    /// away is ``QueryError/Kind/fileRemoved``.
    static func open(_ segment: CatalogSegment, warehouse: Warehouse) throws(QueryError) -> SegmentReader {
        let reader: SegmentReader
        do {
            reader = try SegmentReaderCache.shared.reader(path: warehouse.path(segment.path))
        } catch {
            throw QueryError(error.kind == .missingFile ? .fileRemoved : .storage, error.description)
        }
        guard reader.rowCount == segment.rows, reader.footer.columns.count == segment.columnIdentifiers.count else {
            throw QueryError(
                .storage,
                "\(segment.path) holds \(reader.rowCount) rows in \(reader.footer.columns.count) columns; the catalog says "
                    + "\(segment.rows) rows in \(segment.columnIdentifiers.count)")
        }
        return reader
    }

    /// Opens the scan's segments; `dimension` reads the dimensions its star-join conditions and
    /// reference keys name; `joinFilters` are the build keys of hash joins above whose probe
    /// keys this scan produces.
    init(_ specification: ScanSpecification, warehouse: Warehouse, threads: Int, joinFilters: [JoinKeyFilter] = [],
         dimension: (DimensionInput) throws(QueryError) -> LoadedDimension) throws(QueryError) {
        self.specification = specification
        let segments = specification.segments
        var opened = [Result<SegmentReader, QueryError>?](repeating: nil, count: segments.count)
        opened.withUnsafeMutableBufferPointer { slots in
            let output = ConcurrentSlots(slots)
            DispatchQueue.concurrentPerform(iterations: segments.count) { index in
                do throws(QueryError) {
                    output.pointer[index] = .success(try Self.open(segments[index], warehouse: warehouse))
                } catch {
                    output.pointer[index] = .failure(error)
                }
            }
        }
        var readers: [SegmentReader] = []
        for result in opened {
            switch result {
            case .success(let reader)?: readers.append(reader)
            case .failure(let error)?: throw error
            case nil: throw QueryError(.storage, "a segment was not opened")
            }
        }
        self.readers = readers
        var morsels: [(segment: Int, rowGroup: Int)] = []
        var fileColumns: [[Int?]] = []
        for (segmentIndex, segment) in segments.enumerated() {
            for rowGroup in readers[segmentIndex].footer.rowGroups.indices { morsels.append((segmentIndex, rowGroup)) }
            fileColumns.append(specification.columns.map { column in
                segment.columnIdentifiers.firstIndex(of: column.column.identifier)
            })
        }
        for (segmentIndex, reader) in readers.enumerated() {
            for (scanIndex, fileIndex) in fileColumns[segmentIndex].enumerated() {
                guard let fileIndex else { continue }
                guard fileIndex < reader.footer.columns.count, reader.footer.columns[fileIndex].type == specification.columns[scanIndex].column.storedType else {
                    throw QueryError(.storage, "\(reader.path) does not store \(specification.columns[scanIndex].column.name) as \(specification.columns[scanIndex].column.storedType)")
                }
            }
        }
        self.morsels = morsels
        self.fileColumns = fileColumns
        var keyedValues: [Int: [Int: (map: KeyedValues, path: String)]] = [:]
        for (scanIndex, column) in specification.columns.enumerated() {
            for entry in specification.table.keyedColumns ?? [] where entry.column == column.column.identifier {
                do {
                    keyedValues[scanIndex, default: [:]][entry.keyColumn] = (try KeyedValuesCache.values(entry, type: column.column.storedType, warehouse: warehouse), entry.path)
                } catch {
                    throw QueryError(.storage, error.description)
                }
            }
        }
        self.keyedValues = keyedValues
        var codeFilters: [(scanColumn: Int, codes: CodeBitmap)] = []
        for codeFilter in specification.codeFilters {
            guard let qualifies = try dimension(codeFilter.dimension).qualifies else { continue }
            codeFilters.append((codeFilter.scanColumn, CodeBitmap(qualifies)))
        }
        // A join's keys: their range joins the ranges, their bitmap the code tests.
        for joinFilter in joinFilters {
            if let bitmap = joinFilter.bitmap { codeFilters.append((joinFilter.scanColumn, bitmap)) }
        }
        self.codeFilters = codeFilters
        var referenceKeys: [Int: Vector] = [:]
        for (index, column) in specification.columns.enumerated() {
            if case .referenceKey(let keys) = column.mode, let vector = try dimension(keys).rows.columns.first { referenceKeys[index] = vector }
        }
        self.referenceKeys = referenceKeys
        let joinRanges = joinFilters.map { $0.rangeCondition(type: specification.columns[$0.scanColumn].type) }
        let filter = joinRanges.isEmpty ? specification.filter : .and((specification.filter.map { [$0] } ?? []) + joinRanges)
        self.filter = ScanFilter(filter, columns: specification.columns)
    }

    /// One test that narrows a row group's selection: a star-join code test or a value range.
    private enum Step {
        case code(Int)
        case range(Int)
    }

    /// The rows of morsel `index` that pass the filter, or nil when the zone maps rule it out.
    func read(_ index: Int, counters: inout OperatorCounters) throws(QueryError) -> Chunk? {
        let (segmentIndex, rowGroup) = morsels[index]
        let reader = readers[segmentIndex]
        let group = reader.footer.rowGroups[rowGroup]
        if canSkip(segmentIndex: segmentIndex, group: group) {
            counters.rowGroupsSkipped += 1
            return nil
        }
        counters.rowGroupsRead += 1
        counters.rowsIn += group.rowCount
        let columns = specification.columns
        var vectors = [Vector?](repeating: nil, count: columns.count)
        // Columns decoded for every row of the group (gathered to the selection at the end).
        var whole = [Bool](repeating: false, count: columns.count)
        var views = [IntegerChunkView?](repeating: nil, count: columns.count)
        // Ranges and code tests, each ranked by its cost per row over the share of rows it
        // removes (ranges estimated from this row group's zone maps, code tests from the share of
        // dimension rows that qualify), so a cheap test (a run-length chunk tests one value per
        // run) goes before an equally selective costly one. A step the zone map proves keeps
        // every row is left out; a range whose chunk has no view (it has NULLs, or another
        // encoding) joins the residual instead.
        var steps: [(rank: Double, step: Step)] = []
        var unviewed: [BoundExpression] = []
        for (index, range) in filter.ranges.enumerated() {
            let scanIndex = range.scanColumn
            // A range the zone map proves every row passes needs neither a view nor the residual.
            if let fileIndex = fileColumns[segmentIndex][scanIndex], Self.within(group.chunks[fileIndex].statistics, range.low, range.high) { continue }
            if views[scanIndex] == nil {
                views[scanIndex] = try integerView(scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, counters: &counters)
            }
            guard let view = views[scanIndex], let fileIndex = fileColumns[segmentIndex][scanIndex] else {
                unviewed.append(range.condition)
                continue
            }
            let statistics = group.chunks[fileIndex].statistics
            let estimate = ScanFilter.estimate(low: range.low, high: range.high, minimum: statistics.minimum, maximum: statistics.maximum)
            steps.append((Self.rank(cost: view.costPerRow, keeps: estimate), .range(index)))
        }
        for (index, (scanIndex, codes)) in codeFilters.enumerated() {
            if let contiguous = codes.contiguous, let fileIndex = fileColumns[segmentIndex][scanIndex],
               Self.within(group.chunks[fileIndex].statistics, contiguous.lowerBound, contiguous.upperBound) {
                continue
            }
            if views[scanIndex] == nil {
                views[scanIndex] = try integerView(scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, counters: &counters)
            }
            steps.append((Self.rank(cost: views[scanIndex]?.costPerRow ?? 2, keeps: codes.selectivity), .code(index)))
        }
        steps.sort { $0.rank < $1.rank }
        var selection: [Int32]?
        for (_, step) in steps {
            let kept: [Int32]
            switch step {
            case .range(let index):
                let range = filter.ranges[index]
                guard let view = views[range.scanColumn] else { continue }
                do {
                    kept = try view.select(from: range.low, through: range.high, among: selection)
                } catch {
                    throw chunkError(error, scanIndex: range.scanColumn, segmentIndex: segmentIndex, rowGroup: rowGroup)
                }
            case .code(let index):
                // Codes read straight from the encoded chunk are only looked at for the rows still
                // selected; a chunk without a view is decoded whole.
                let (scanIndex, codes) = codeFilters[index]
                if vectors[scanIndex] == nil, views[scanIndex] == nil {
                    views[scanIndex] = try integerView(scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, counters: &counters)
                }
                if let view = views[scanIndex] {
                    do {
                        if let range = codes.contiguous {
                            kept = try view.select(from: range.lowerBound, through: range.upperBound, among: selection)
                        } else {
                            kept = try view.select(qualifying: codes, among: selection)
                        }
                    } catch {
                        throw chunkError(error, scanIndex: scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup)
                    }
                } else {
                    if vectors[scanIndex] == nil {
                        vectors[scanIndex] = try readColumn(scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, counters: &counters)
                        whole[scanIndex] = true
                    }
                    guard let values = vectors[scanIndex] else { continue }
                    kept = Self.qualifying(values, codes, among: selection)
                }
            }
            if kept.isEmpty { return nil }
            selection = kept.count < group.rowCount ? kept : nil
        }
        // The residual conjuncts, on the rows still selected: their columns are read for those
        // rows only, then cut down to the rows that pass.
        if let predicate = filter.predicate(adding: unviewed) {
            let used = predicate.columnsUsed
            for scanIndex in used.sorted() {
                if let vector = vectors[scanIndex], whole[scanIndex] {
                    if let selection { vectors[scanIndex] = vector.gather(selection) }
                    whole[scanIndex] = false
                } else if vectors[scanIndex] == nil {
                    vectors[scanIndex] = try readColumn(scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, counters: &counters, selection: selection, view: views[scanIndex])
                }
            }
            let count = selection?.count ?? group.rowCount
            let partial = Chunk(columns: vectors.enumerated().map { $0.element ?? Self.placeholder(columns[$0.offset].type) }, count: count)
            let passing = try ExpressionEvaluator.select(predicate, partial)
            if passing.isEmpty { return nil }
            if passing.count < count {
                for scanIndex in used { vectors[scanIndex] = vectors[scanIndex]?.gather(passing) }
                selection = selection.map { rows in passing.map { rows[Int($0)] } } ?? passing
            }
        }
        // The selection checked once for every column it gathers.
        let ascending = selection.flatMap { AscendingRows($0, limit: group.rowCount) }
        for scanIndex in columns.indices where vectors[scanIndex] == nil {
            vectors[scanIndex] = try readColumn(
                scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, counters: &counters, selection: selection,
                ascending: ascending, view: views[scanIndex])
        }
        var output: [Vector] = []
        for (scanIndex, vector) in vectors.enumerated() {
            guard let vector else { continue }
            if let selection, whole[scanIndex] {
                output.append(vector.gather(selection))
            } else {
                output.append(vector)
            }
        }
        // Views read the mapped file lazily: no row of a file truncated meanwhile may go out.
        do { try reader.checkNotTruncated() } catch { throw QueryError(.storage, error.description) }
        return Chunk(columns: output, count: selection?.count ?? group.rowCount)
    }

    /// A chunk that cannot be read from its encoded bytes, as the query error naming it.
    private func chunkError(_ error: EncodedDataError, scanIndex: Int, segmentIndex: Int, rowGroup: Int) -> QueryError {
        QueryError(.storage, "\(readers[segmentIndex].path): \(specification.columns[scanIndex].column.name) in row group \(rowGroup): \(error)")
    }

    /// Whether a chunk's zone map shows every row in `low ... high` (no NULLs, known bounds).
    static func within(_ statistics: ChunkStatistics, _ low: Int64, _ high: Int64) -> Bool {
        guard statistics.nullCount == 0, case .integer(let smallest) = statistics.minimum, case .integer(let largest) = statistics.maximum else { return false }
        return low <= smallest && largest <= high
    }

    /// Whether a chunk's zone map shows no row in `low ... high`: every value NULL, or the
    /// values' bounds outside the range.
    static func outside(_ statistics: ChunkStatistics, rowCount: Int, _ low: Int64, _ high: Int64) -> Bool {
        if statistics.nullCount == rowCount { return true }
        guard case .integer(let smallest) = statistics.minimum, case .integer(let largest) = statistics.maximum else { return false }
        return largest < low || high < smallest || high < low
    }

    /// A filter step's rank, lowest first: its cost per row over the share of rows it removes.
    static func rank(cost: Double, keeps: Double) -> Double {
        cost / max(1 - keeps, 1e-6)
    }

    /// The rows among `candidates` (all when nil) whose code in `codes` is not NULL and is in
    /// `bitmap`.
    static func qualifying(_ codes: Vector, _ bitmap: CodeBitmap, among candidates: [Int32]?) -> [Int32] {
        guard case .integers(let values) = codes.data else { return candidates ?? (0..<Int32(codes.count)).map { $0 } }
        var kept: [Int32] = []
        kept.reserveCapacity(candidates?.count ?? codes.count)
        values.withUnsafeBufferPointer { values in
            bitmap.words.withUnsafeBufferPointer { words in
                func test(_ row: Int32) {
                    if CodeBitmap.bit(words, bitmap.count, values[Int(row)]) == 1 && !codes.isNull(Int(row)) { kept.append(row) }
                }
                if let candidates {
                    for row in candidates { test(row) }
                } else {
                    for row in 0..<Int32(codes.count) { test(row) }
                }
            }
        }
        return kept
    }

    /// Column `scanIndex` of a row group as an encoded-chunk view, when the file has the column and
    /// its chunk is one a view reads (see ``IntegerChunkView``).
    private func integerView(_ scanIndex: Int, segmentIndex: Int, rowGroup: Int, counters: inout OperatorCounters) throws(QueryError) -> IntegerChunkView? {
        guard let fileIndex = fileColumns[segmentIndex][scanIndex] else { return nil }
        let reader = readers[segmentIndex]
        do {
            guard let view = try reader.integerView(rowGroup: rowGroup, column: fileIndex, cache: ChunkViewCache.shared) else { return nil }
            counters.bytesRead += reader.footer.rowGroups[rowGroup].chunks[fileIndex].storedLength
            return view
        } catch {
            throw QueryError(.storage, error.description)
        }
    }

    static func placeholder(_ type: LogicalType) -> Vector {
        Vector(type: type, count: 0, data: .integers([]), nulls: nil)
    }

    /// Decodes one column of a row group (gathering `selection` when given) in the scan's form,
    /// from `view` when the caller already holds one.
    private func readColumn(
        _ scanIndex: Int, segmentIndex: Int, rowGroup: Int, counters: inout OperatorCounters, selection: [Int32]? = nil,
        ascending: AscendingRows? = nil, view: IntegerChunkView? = nil
    ) throws(QueryError) -> Vector {
        let column = specification.columns[scanIndex]
        let reader = readers[segmentIndex]
        let rowCount = reader.footer.rowGroups[rowGroup].rowCount
        var stored: Vector
        if let fileIndex = fileColumns[segmentIndex][scanIndex], reader.footer.rowGroups[rowGroup].chunks[fileIndex].encoding == .keyed {
            stored = try readKeyed(scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, fileIndex: fileIndex, counters: &counters, selection: selection)
        } else if let fileIndex = fileColumns[segmentIndex][scanIndex] {
            var view = view
            if view == nil { view = try integerView(scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup, counters: &counters) }
            if let view {
                // Only the selected rows are decoded, straight to 64 bits.
                do {
                    let values: [Int64]
                    if let ascending {
                        values = try view.gather(ascending)
                    } else {
                        values = try view.gather(selection)
                    }
                    stored = Vector(
                        type: column.column.storedType, count: values.count, data: .integers(values), nulls: nil,
                        bounds: view.valueBounds)
                } catch {
                    throw chunkError(error, scanIndex: scanIndex, segmentIndex: segmentIndex, rowGroup: rowGroup)
                }
            } else {
                do {
                    let decoded = try reader.read(rowGroup: rowGroup, column: fileIndex)
                    // Only the selected rows are widened.
                    stored = selection.map { Vector(decoded, rows: $0) } ?? Vector(decoded)
                } catch {
                    throw QueryError(.storage, error.description)
                }
                counters.bytesRead += reader.footer.rowGroups[rowGroup].chunks[fileIndex].storedLength
            }
        } else {
            stored = Vector(constant: .null, type: column.column.storedType, count: selection?.count ?? rowCount)
        }
        switch column.mode {
        case .stored, .rowCode:
            return stored
        case .referenceKey:
            guard case .integers(let codes) = stored.data, let keys = referenceKeys[scanIndex] else { return stored }
            var indices = [Int32](repeating: -1, count: stored.count)
            for row in 0..<stored.count where !stored.isNull(row) {
                let code = codes[row]
                guard code >= 0, code <= Int64(keys.count) else {
                    throw QueryError(.storage, "\(specification.table.name).\(column.column.name) holds row code \(code), beyond the dimension's \(keys.count) rows")
                }
                indices[row] = Int32(code - 1)
            }
            return keys.gatherOrNull(indices)
        }
    }

    /// A keyed chunk's values (for `selection`, when given): its key column's row codes, read from
    /// the same row group, looked up in the side file's map.
    private func readKeyed(_ scanIndex: Int, segmentIndex: Int, rowGroup: Int, fileIndex: Int, counters: inout OperatorCounters, selection: [Int32]?) throws(QueryError) -> Vector {
        let column = specification.columns[scanIndex].column
        let reader = readers[segmentIndex]
        let segment = specification.segments[segmentIndex]
        let key: Int?
        do { key = try reader.keyColumn(rowGroup: rowGroup, column: fileIndex) } catch { throw QueryError(.storage, error.description) }
        guard let keyFileIndex = key else { throw QueryError(.storage, "\(reader.path): \(column.name) is not keyed") }
        guard keyFileIndex < segment.columnIdentifiers.count, let keyed = keyedValues[scanIndex]?[segment.columnIdentifiers[keyFileIndex]] else {
            throw QueryError(.storage, "\(reader.path): \(column.name) in row group \(rowGroup) is stored keyed, but the catalog names no keyed values for it")
        }
        let codes: [Int64]
        let keyChunk = reader.footer.rowGroups[rowGroup].chunks[keyFileIndex]
        do {
            if let view = try reader.integerView(rowGroup: rowGroup, column: keyFileIndex, cache: ChunkViewCache.shared) {
                codes = try view.gather(selection)
            } else {
                let decoded = try reader.read(rowGroup: rowGroup, column: keyFileIndex)
                codes = selection.map { decoded.widenedValues(.picked($0[...])) } ?? decoded.widenedValues
            }
        } catch let error as EncodedDataError {
            throw QueryError(.storage, "\(reader.path): \(column.name)'s key column in row group \(rowGroup): \(error)")
        } catch {
            throw QueryError(.storage, "\(error)")
        }
        counters.bytesRead += keyChunk.storedLength
        switch keyed.map.lookUp(codes) {
        case .success(let values):
            return Vector(type: column.storedType, count: values.count, data: .integers(values), nulls: nil)
        case .failure(let miss):
            throw QueryError(.storage, "\(reader.path): \(column.name) in row group \(rowGroup) looks up row code \(miss.code), which \(keyed.path) has no value for")
        }
    }

    /// Whether a row group's zone maps show no row can pass the scan's conditions.
    private func canSkip(segmentIndex: Int, group: RowGroupDescriptor) -> Bool {
        let segment = specification.segments[segmentIndex]
        for predicate in specification.zonePredicates {
            guard let fileIndex = segment.columnIdentifiers.firstIndex(of: predicate.columnIdentifier), fileIndex < group.chunks.count else { continue }
            let chunk = group.chunks[fileIndex]
            let statistics = chunk.statistics
            if statistics.nullCount == group.rowCount { return true }
            if ZoneMap.excludes(predicate.comparison, predicate.constant, minimum: statistics.minimum, maximum: chunk.maximumTruncated ? .null : statistics.maximum, type: readers[segmentIndex].footer.columns[fileIndex].type) {
                return true
            }
        }
        // Value ranges the zone map rules out (those the catalog could not: a subquery's result
        // is known only when the query runs).
        for range in filter.ranges {
            guard let fileIndex = fileColumns[segmentIndex][range.scanColumn], fileIndex < group.chunks.count else { continue }
            if Self.outside(group.chunks[fileIndex].statistics, rowCount: group.rowCount, range.low, range.high) { return true }
        }
        // Star-join code tests: no qualifying code between the chunk's smallest and largest code
        // (NULL codes never qualify).
        for (scanColumn, codes) in codeFilters {
            guard let fileIndex = fileColumns[segmentIndex][scanColumn], fileIndex < group.chunks.count else { continue }
            let statistics = group.chunks[fileIndex].statistics
            if statistics.nullCount == group.rowCount { return true }
            guard case .integer(let smallest) = statistics.minimum, case .integer(let largest) = statistics.maximum else { continue }
            if !codes.anyQualifies(from: smallest, through: largest) { return true }
        }
        return false
    }
}

/// Deciding from a minimum and maximum that no value can satisfy a comparison.
public enum ZoneMap {
    /// Whether no value in [minimum, maximum] satisfies `value op constant`. A NULL bound is unknown.
    public static func excludes(_ op: ComparisonOperator, _ constant: Value, minimum: Value, maximum: Value, type: LogicalType) -> Bool {
        func less(_ a: Value, _ b: Value) -> Bool { ValueOrdering.less(a, b, type: type) }
        let hasMinimum = !minimum.isNull, hasMaximum = !maximum.isNull
        switch op {
        case .equal:
            return (hasMinimum && less(constant, minimum)) || (hasMaximum && less(maximum, constant))
        case .less:
            return hasMinimum && !less(minimum, constant)
        case .lessOrEqual:
            return hasMinimum && less(constant, minimum)
        case .greater:
            return hasMaximum && !less(constant, maximum)
        case .greaterOrEqual:
            return hasMaximum && less(maximum, constant)
        case .notEqual:
            return hasMinimum && hasMaximum && minimum == constant && maximum == constant
        }
    }
}

import Dispatch
