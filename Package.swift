// swift-tools-version: 6.1
// Starling: a columnar, in-memory OLAP engine for star-schema warehouses on one machine.

import PackageDescription

let package = Package(
    name: "Starling",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "starling", targets: ["StarlingCommand"]),
        .library(name: "StarlingFormat", targets: ["StarlingFormat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The PostgreSQL-wire server's event loops and sockets (`starling serve`).
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        // SHA-256 and HMAC for the server's SCRAM-SHA-256 authentication (StarlingServer's users).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // TLS for the server (`starling serve --tls-cert/--tls-key`): StarlingServer only.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // C libraries, wrapped once each (CEditLine only by the shell's LineEditor).
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]
        ),
        // Snappy for Parquet files (StarlingCompression's `Compressor.snappy`).
        .systemLibrary(
            name: "CSnappy",
            pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"]), .brew(["snappy"])]
        ),
        // glibc's mallopt, used once by the executable's HeapSettings.
        .systemLibrary(name: "CMalloc"),
        // A prefetch hint for the executor's hash tables (a header, nothing to link).
        .systemLibrary(name: "CPrefetch"),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
        ),
        // Regular expressions (regexp_matches, regexp_replace, regexp_extract), wrapped once by
        // StarlingExecution's RegularExpression.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),

        // Dependencies run one way: columns → encoding → compression → format → storage → loader/SQL/execution → engine → command.
        // The SIGBUS guard of file mappings (C: a signal handler), for ByteStorage's mappings.
        .target(name: "CMappingGuard"),
        .target(name: "StarlingColumns", dependencies: ["CMappingGuard"]),
        .target(name: "StarlingEncoding", dependencies: ["StarlingColumns"]),
        .target(name: "StarlingCompression", dependencies: ["CLZ4", "CZstd", "CZlib", "CSnappy"]),
        .target(
            name: "StarlingFormat",
            dependencies: ["StarlingColumns", "StarlingEncoding", "StarlingCompression"]
        ),
        .target(
            name: "StarlingStorage",
            dependencies: ["StarlingColumns", "StarlingEncoding", "StarlingCompression", "StarlingFormat"]
        ),
        .target(
            name: "StarlingLoader",
            dependencies: [
                "StarlingColumns", "StarlingEncoding", "StarlingCompression", "StarlingFormat", "StarlingStorage",
                "StarlingParquet",
            ]
        ),
        .target(name: "StarlingSQL", dependencies: ["StarlingColumns"]),
        .target(
            name: "StarlingExecution",
            dependencies: [
                "StarlingColumns", "StarlingEncoding", "StarlingFormat", "StarlingStorage", "StarlingParquet", "CPrefetch",
                "CPCRE2",
            ],
            // The executor's hot loops update class-held buffers (hash tables, accumulators);
            // release builds skip the dynamic exclusivity check on each access (debug builds and
            // the tests keep it). Not in the StarlingFormat library product others may depend on.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // Parquet files read: footer, schema, pages, encodings and codecs, every byte checked.
        .target(
            name: "StarlingParquet",
            dependencies: ["StarlingColumns", "StarlingEncoding", "StarlingCompression", "StarlingFormat"]
        ),
        // Files other tools read: CSV, NDJSON and Parquet written from a query's chunks.
        .target(
            name: "StarlingInterchange",
            dependencies: [
                "StarlingColumns", "StarlingEncoding", "StarlingCompression", "StarlingFormat", "StarlingExecution",
                "StarlingParquet",
            ]
        ),
        .target(
            name: "StarlingEngine",
            dependencies: [
                "StarlingColumns", "StarlingCompression", "StarlingFormat", "StarlingStorage", "StarlingSQL",
                "StarlingLoader", "StarlingExecution", "StarlingInterchange",
            ]
        ),
        // The PostgreSQL wire protocol's messages (NIOCore's ByteBuffer, nothing of Starling), and the
        // server that runs them through the engine on swift-nio (`starling serve`).
        .target(name: "StarlingWire", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(
            name: "StarlingServer",
            dependencies: [
                "StarlingWire", "StarlingEngine", "StarlingExecution", "StarlingColumns", "StarlingSQL",
                "StarlingStorage", "StarlingFormat", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(name: "StarlingSampleData", dependencies: ["StarlingColumns", "StarlingCompression", "StarlingFormat"]),
        // Fuzz harnesses: one function per component that reads untrusted bytes. libFuzzer's entry
        // points (Fuzz/Entries) are built only by tools/fuzz; the tests run the harnesses over
        // the seed corpus (Fuzz/Corpus), so the harnesses are built and run by every test run.
        .target(
            name: "StarlingFuzzing",
            dependencies: [
                "StarlingColumns", "StarlingEncoding", "StarlingFormat", "StarlingStorage", "StarlingLoader",
                "StarlingSQL", "StarlingWire", "StarlingParquet", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "StarlingCommand",
            dependencies: [
                "StarlingColumns",
                "StarlingEncoding",
                "StarlingCompression",
                "StarlingFormat",
                "StarlingStorage",
                "StarlingSQL",
                "StarlingEngine",
                "StarlingExecution",
                "StarlingInterchange",
                "StarlingLoader",
                "StarlingSampleData",
                "StarlingServer",
                "CEditLine",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Micro-benchmarks of the storage kernels (run in release builds; never timed tests).
        .executableTarget(
            name: "StarlingKernelBenchmarks",
            dependencies: ["StarlingFormat", "CMalloc"],
            path: "Benchmarks/Kernels"
        ),

        .testTarget(name: "StarlingColumnsTests", dependencies: ["StarlingColumns"]),
        .testTarget(name: "StarlingEncodingTests", dependencies: ["StarlingEncoding"]),
        .testTarget(name: "StarlingCompressionTests", dependencies: ["StarlingCompression"]),
        .testTarget(name: "StarlingFormatTests", dependencies: ["StarlingFormat"]),
        .testTarget(name: "StarlingSQLTests", dependencies: ["StarlingSQL"]),
        .testTarget(name: "StarlingParquetTests", dependencies: ["StarlingParquet", "StarlingColumns", "StarlingEncoding"]),
        .testTarget(
            name: "StarlingInterchangeTests",
            dependencies: ["StarlingInterchange", "StarlingExecution", "StarlingColumns", "StarlingCompression"]
        ),
        .testTarget(name: "StarlingExecutionTests", dependencies: ["StarlingExecution", "StarlingColumns", "StarlingStorage", "StarlingEncoding"]),
        .testTarget(name: "StarlingStorageTests", dependencies: ["StarlingStorage", "StarlingEngine", "StarlingSQL", "StarlingEncoding"]),
        .testTarget(
            name: "StarlingSampleDataTests",
            dependencies: ["StarlingSampleData", "StarlingColumns", "StarlingLoader", "StarlingStorage", "StarlingEngine", "StarlingExecution"]
        ),
        .testTarget(name: "StarlingCommandTests", dependencies: ["StarlingCommand"]),
        .testTarget(name: "StarlingLoaderTests", dependencies: ["StarlingLoader", "StarlingStorage", "StarlingEngine"]),
        .testTarget(
            name: "StarlingWireTests", dependencies: ["StarlingWire", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "StarlingServerTests",
            dependencies: [
                "StarlingServer", "StarlingWire", "StarlingSQL", "StarlingStorage", "StarlingEngine",
                "StarlingExecution", "StarlingColumns", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "StarlingFuzzingTests", dependencies: ["StarlingFuzzing"]),
        .testTarget(
            name: "StarlingEngineTests",
            dependencies: ["StarlingEngine", "StarlingExecution", "StarlingStorage", "StarlingColumns"],
            exclude: ["SQL"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
