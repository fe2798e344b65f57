/// libFuzzer's entry point for the `parquet` harness (built by tools/fuzz, not by SwiftPM).

import StarlingFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzHarness.parquet.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
