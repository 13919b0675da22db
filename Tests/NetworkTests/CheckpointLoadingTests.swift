import Diagnostics
import Foundation
@testable import Network
import Testing

/// Loading the committed PyTorch (.pt) and safetensors fixtures, written by PyTorch itself.
@Suite("CheckpointLoading: PyTorch and safetensors fixtures")
struct CheckpointLoadingTests {
    @Test("a .pt and a .safetensors of the same weights give identical float32 tensors",
          arguments: ["published", "uneven", "nonsquare"])
    func bothFormatsAgree(config: String) throws {
        let pt = try CheckpointFixtures.load("\(config)/weights.pt")
        let safetensors = try CheckpointFixtures.load("\(config)/weights.safetensors")
        #expect(!pt.tensors.isEmpty)
        #expect(Set(pt.tensors.keys) == Set(safetensors.tensors.keys))
        for (name, tensor) in safetensors.tensors {
            #expect(pt.tensors[name] == tensor, "tensor \(name)")
        }
    }

    @Test("the published layout has docs/DESIGN.md's names, shapes and 1,182,785 parameters")
    func publishedLayout() throws {
        let tensors = try CheckpointFixtures.load("published/weights.pt").tensors
        #expect(tensors.count == 4 * 6 + 3 * 6 + 2)
        #expect(tensors.values.reduce(0) { $0 + $1.values.count } == 1_182_785)
        #expect(tensors["enc_blocks.0.cross.cross_conv.weight"]?.shape == [64, 3, 3, 3])
        #expect(tensors["enc_blocks.3.cross.cross_conv.weight"]?.shape == [64, 128, 3, 3])
        #expect(tensors["dec_blocks.2.cross.cross_conv.weight"]?.shape == [64, 256, 3, 3])
        #expect(tensors["dec_blocks.0.support.vmapped.conv.weight"]?.shape == [64, 64, 3, 3])
        #expect(tensors["out_conv.conv.weight"]?.shape == [1, 64, 1, 1])
        #expect(tensors["out_conv.conv.bias"]?.shape == [1])
        for tensor in tensors.values {
            #expect(tensor.values.count == tensor.shape.reduce(1, *))
        }
    }

    @Test("float16, bfloat16 and float64 checkpoints convert as torch's .float() does",
          arguments: ["f16", "bf16", "f64"])
    func convertedTypes(type: String) throws {
        let expected = try CheckpointFixtures.load("checkpoints/expected_from_\(type).safetensors").tensors
        let pt = try CheckpointFixtures.load("checkpoints/uneven_\(type).pt").tensors
        let safetensors = try CheckpointFixtures.load("checkpoints/uneven_\(type).safetensors").tensors
        #expect(expected.count == 32)
        #expect(pt == expected)
        #expect(safetensors == expected)
    }

    @Test("storage location tags, byte order and the archive's folder name do not change the tensors",
          arguments: ["uneven_cuda.pt", "uneven_big_endian.pt", "top_folder_differs.pt"])
    func sameTensorsFromVariants(file: String) throws {
        let expected = try CheckpointFixtures.load("checkpoints/expected_f32.safetensors").tensors
        #expect(try CheckpointFixtures.load("uneven/weights.pt").tensors == expected)
        #expect(try CheckpointFixtures.load("checkpoints/\(file)").tensors == expected)
    }

    @Test("transposed, sliced and shared views are read through their strides and offsets")
    func strideViews() throws {
        let expected = try CheckpointFixtures.load("checkpoints/expected_views.safetensors").tensors
        let views = try CheckpointFixtures.load("checkpoints/views.pt").tensors
        #expect(views == expected)
        #expect(views["transposed"]?.shape == [6, 4])
        #expect(views["columns"]?.shape == [4, 3])
    }

    @Test("a pickle that would run os.system is refused and runs nothing")
    func maliciousSystemCall() throws {
        let marker = "/tmp/uvseg-pwned-marker"
        try? FileManager.default.removeItem(atPath: marker)
        let error = #expect(throws: UVSegError.self) {
            try CheckpointFixtures.load("checkpoints/malicious_system.pt")
        }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("checkpoint refers to posix.system; uvseg loads only tensors") == true)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a pickle that would call eval is refused")
    func maliciousEval() {
        let error = #expect(throws: UVSegError.self) {
            try CheckpointFixtures.load("checkpoints/malicious_eval.pt")
        }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("__builtin__.eval") == true)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/uvseg-pwned-marker"))
    }

    @Test("truncated, empty and non-zip files are bad formats with a message that says why",
          arguments: [("truncated.pt", "truncated"), ("empty.pt", "empty"), ("not_a_zip.pt", "not a checkpoint")])
    func brokenFiles(file: String, reason: String) {
        let error = #expect(throws: UVSegError.self) {
            try CheckpointFixtures.load("checkpoints/\(file)")
        }
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(file) == true, "the message names the file")
    }

    @Test("the zip reader itself refuses empty and non-zip bytes")
    func zipReaderRefusesNonZip() throws {
        for bytes in [[], try CheckpointFixtures.bytes("checkpoints/not_a_zip.pt")] {
            var budget = MemoryBudget()
            let error = #expect(throws: UVSegError.self) { try PyTorchCheckpoint.read(bytes: bytes, budget: &budget) }
            #expect(error?.kind == .badFormat)
            #expect(error?.message.contains("not a") == true, "\(error?.message ?? "")")
        }
    }

    @Test("a compressed archive is unsupported, not misread")
    func deflatedArchive() {
        let error = #expect(throws: UVSegError.self) {
            try CheckpointFixtures.load("checkpoints/deflated.pt")
        }
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("compressed") == true)
    }
}
