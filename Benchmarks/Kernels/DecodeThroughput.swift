/// Decode throughput of bit-packed integers, dictionary codes and LZ4/ZSTD chunks.

import StarlingColumns
import StarlingEncoding
import StarlingCompression

/// Decodes 64Ki-row chunks of lineorder-like columns repeatedly and reports GB/s of decoded
/// output (values at their in-memory width) per core.
struct DecodeThroughput {
    let data: LineorderLikeData
    let runs: Int
    static let chunkRows = 65_536

    /// Chunks of `column` encoded with `encoding` (or the writer's choice).
    func chunks(_ column: String, _ encoding: Encoding?) -> [(EncodedChunk, LogicalType, Int)] {
        let vector = data.column(column)
        return stride(from: 0, to: vector.count, by: Self.chunkRows).map { start in
            let slice = vector.slice(start..<min(start + Self.chunkRows, vector.count))
            return (ColumnEncoder.encode(slice, forcing: encoding), slice.type, slice.count)
        }
    }

    func outputBytes(_ type: LogicalType, rows: Int) -> Int {
        rows * (type.physicalType.byteWidth ?? 4)
    }

    func report() throws {
        print("Decode throughput (GB/s of decoded values per core; strings count 4-byte codes)")
        print(pad("kernel", 44, right: false) + pad("encoded MB", 12) + pad("decoded MB", 12) + pad("median ms", 11) + pad("GB/s", 8))
        let cases: [(String, String, Encoding?)] = [
            ("bit-packed INTEGER lo_suppkey (11 bits)", "lo_suppkey", .bitPacked),
            ("bit-packed INTEGER lo_partkey (18 bits)", "lo_partkey", .bitPacked),
            ("bit-packed TINYINT lo_quantity (6 bits)", "lo_quantity", .bitPacked),
            ("bit-packed DECIMAL lo_revenue", "lo_revenue", .bitPacked),
            ("delta BIGINT lo_orderkey", "lo_orderkey", .delta),
            ("dictionary codes VARCHAR lo_shipmode", "lo_shipmode", .dictionary),
            ("dictionary TINYINT lo_discount", "lo_discount", .dictionary),
            ("run-length DATE lo_orderdate", "lo_orderdate", .runLength),
            ("run-length INTEGER lo_custkey", "lo_custkey", .runLength),
            ("packed run-length INTEGER lo_custkey", "lo_custkey", .packedRunLength),
        ]
        for (label, column, encoding) in cases {
            let encoded = chunks(column, encoding)
            let decodedBytes = encoded.reduce(0) { $0 + outputBytes($1.1, rows: $1.2) }
            let encodedBytes = encoded.reduce(0) { $0 + $1.0.bytes.count }
            let seconds = try medianSeconds(runs: runs) {
                for (chunk, type, rows) in encoded {
                    _ = try ColumnDecoder.decode(chunk.bytes, encoding: chunk.encoding, type: type, count: rows)
                }
            }
            printRow(label, encodedBytes, decodedBytes, seconds)
        }
        // What a scan pays to read a run-length chunk encoded: the view unpacks the run values
        // and run ends (decoded MB counts those arrays).
        for encoding in [Encoding.runLength, .packedRunLength] {
            let encoded = chunks("lo_custkey", encoding)
            let storages = encoded.map { chunk in chunk.0.bytes.withUnsafeBytes { ByteStorage(copying: $0) } }
            var runBytes = 0
            let seconds = try medianSeconds(runs: runs) {
                runBytes = 0
                for (index, (chunk, type, rows)) in encoded.enumerated() {
                    let storage = storages[index]
                    let view = try IntegerChunkView.make(UnsafeRawBufferPointer(start: storage.baseAddress, count: chunk.bytes.count), owner: storage,
                                                         encoding: chunk.encoding, physical: type.physicalType, count: rows)
                    runBytes += view?.decodedByteCount ?? 0
                }
            }
            printRow("view of \(encoding) lo_custkey (runs unpacked)", encoded.reduce(0) { $0 + $1.0.bytes.count }, runBytes, seconds)
        }
        for setting in [CompressionSetting(.lz4), CompressionSetting(.zstd, level: 3)] {
            for column in ["lo_revenue", "lo_orderdate", "lo_custkey"] {
                let encoded = chunks(column, nil)
                let compressed = try encoded.map { try Compressor.compress($0.0.bytes, setting: setting) }
                let decodedBytes = encoded.reduce(0) { $0 + $1.0.bytes.count }
                let seconds = try medianSeconds(runs: runs) {
                    for (index, block) in compressed.enumerated() {
                        _ = try block.withUnsafeBytes {
                            try Compressor.decompress($0, codec: setting.compression, decompressedSize: encoded[index].0.bytes.count)
                        }
                    }
                }
                printRow("\(setting) decompress \(column) chunks", compressed.reduce(0) { $0 + $1.count }, decodedBytes, seconds)
            }
        }
    }

    func printRow(_ label: String, _ encodedBytes: Int, _ decodedBytes: Int, _ seconds: Double) {
        print(pad(label, 44, right: false) + pad(fixed(Double(encodedBytes) / 1e6, 2), 12)
            + pad(fixed(Double(decodedBytes) / 1e6, 2), 12) + pad(fixed(seconds * 1000, 2), 11)
            + pad(fixed(Double(decodedBytes) / seconds / 1e9, 2), 8))
    }
}
