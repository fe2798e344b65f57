/// Encoded and compressed sizes of lineorder-like columns under each codec.

import StarlingColumns
import StarlingEncoding
import StarlingCompression
import StarlingFormat

/// Writes each column as a segment with each codec and reports bytes per row, plus the
/// time to decode the whole column back (the cost side of the codec choice).
struct EncodedSizes {
    let data: LineorderLikeData
    let runs: Int

    func report() throws {
        let rows = data.columns.first?.vector.count ?? 0
        print("Encoded size of lineorder-like columns (\(rows) rows; bytes per row; decode = segment read of the column, ms)")
        let settings = [CompressionSetting(.none), CompressionSetting(.lz4), CompressionSetting(.zstd, level: 1), CompressionSetting(.zstd, level: 3), CompressionSetting(.zstd, level: 9)]
        var header = pad("column", 18, right: false) + pad("encoding", 12) + pad("plain", 8)
        for setting in settings { header += pad(setting.description, 10) + pad("ms", 8) }
        print(header)
        var totals = [Int](repeating: 0, count: settings.count)
        var totalTimes = [Double](repeating: 0, count: settings.count)
        var totalPlain = 0
        for (name, vector) in data.columns {
            let schema = [ColumnSchema(name: name, type: vector.type)]
            var line = pad(name, 18, right: false)
            var encodingName = ""
            for (index, setting) in settings.enumerated() {
                var options = SegmentWriteOptions()
                options.compression = setting
                let bytes = try SegmentWriter.encode(columns: schema, vectors: [vector], options: options)
                let reader = try SegmentReader(bytes: bytes.withUnsafeBytes { ByteStorage(copying: $0) }, path: name)
                let seconds = try medianSeconds(runs: runs) { _ = try reader.readColumn(0) }
                if index == 0 {
                    let plain = reader.footer.rowGroups.reduce(0) { $0 + $1.chunks[0].plainLength }
                    totalPlain += plain
                    var used = Set<String>()
                    for group in reader.footer.rowGroups { used.insert(group.chunks[0].encoding.description) }
                    encodingName = used.sorted().joined(separator: "+")
                    line += pad(encodingName, 12) + pad(fixed(Double(plain) / Double(rows), 2), 8)
                }
                let stored = reader.footer.rowGroups.reduce(0) { $0 + $1.chunks[0].storedLength }
                totals[index] += stored
                totalTimes[index] += seconds
                line += pad(fixed(Double(stored) / Double(rows), 2), 10) + pad(fixed(seconds * 1000, 1), 8)
            }
            print(line)
        }
        var line = pad("total", 18, right: false) + pad("", 12) + pad(fixed(Double(totalPlain) / Double(rows), 2), 8)
        for index in settings.indices {
            line += pad(fixed(Double(totals[index]) / Double(rows), 2), 10) + pad(fixed(totalTimes[index] * 1000, 1), 8)
        }
        print(line)
    }
}
