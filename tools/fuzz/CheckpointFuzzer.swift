// libFuzzer entry point over one of uvseg's checkpoint readers (built and run by tools/fuzz.sh),
// chosen when compiling: -D FUZZ_PYTORCH (the .pt reader: zip archive and pickle), -D
// FUZZ_SAFETENSORS (the safetensors reader) or -D FUZZ_JSON (the JSON parser of its headers).
//
// Each input is read as a file of its size would be, under the same memory budget; a checkpoint
// that reads is then checked as a UniverSeg network. Any crash, sanitizer report or trap is a bug;
// thrown UVSegErrors are the expected outcome.

import Diagnostics
@testable import Network

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var budget = MemoryBudget(limit: Checkpoint.readingMemoryLimit(fileSize: size))
    #if FUZZ_PYTORCH
    if let tensors = try? PyTorchCheckpoint.read(bytes: bytes, budget: &budget) {
        _ = try? UniverSegArchitecture(inferringFrom: tensors)
    }
    #elseif FUZZ_SAFETENSORS
    if let checkpoint = try? SafetensorsReader.read(bytes, budget: &budget) {
        _ = try? UniverSegArchitecture(inferringFrom: checkpoint.tensors)
    }
    #elseif FUZZ_JSON
    _ = try? JSONParser.parse(bytes, context: "the input", budget: &budget)
    #else
    #error("choose a reader: -D FUZZ_PYTORCH, FUZZ_SAFETENSORS or FUZZ_JSON")
    #endif
    return 0
}
