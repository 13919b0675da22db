import Diagnostics

extension UniverSegArchitecture {
    /// Infers the architecture from tensor names and shapes alone, then checks that the tensors are
    /// exactly the ones it implies.
    ///
    /// The block counts come from the `enc_blocks.<i>` and `dec_blocks.<j>` names, each block's
    /// widths from the first dimension of its cross and target convolution weights. Throws
    /// `.badFormat` naming every missing, unexpected or mis-shaped tensor, and `.unsupported` for
    /// more than `maximumEncoderBlockCount` encoder blocks.
    public init(inferringFrom tensors: [String: CheckpointTensor]) throws(UVSegError) {
        let encoderCount = try Self.blockCount(prefix: "enc_blocks.", in: tensors.keys)
        let decoderCount = try Self.blockCount(prefix: "dec_blocks.", in: tensors.keys)
        guard encoderCount > 0 else {
            let example = tensors.keys.min().map { " (it holds '\($0)', ...)" } ?? " (it holds no tensors)"
            throw .badFormat("not a UniverSeg checkpoint: no tensor is named enc_blocks.<n>.…\(example)")
        }
        guard decoderCount == encoderCount - 1 else {
            throw .badFormat(
                "the checkpoint has \(decoderCount) decoder blocks (dec_blocks.*) for \(encoderCount) encoder blocks (enc_blocks.*); a UniverSeg network has one decoder block fewer")
        }
        let encoder = try (0..<encoderCount).map { (index) throws(UVSegError) in
            try Self.inferWidths(.encoder(index), from: tensors)
        }
        let decoder = try (0..<decoderCount).map { (index) throws(UVSegError) in
            try Self.inferWidths(.decoder(index), from: tensors)
        }
        try self.init(encoder: encoder, decoder: decoder)
        try checkTensors(tensors)
    }

    /// Throws `.badFormat` unless `tensors` are exactly this architecture's, with its shapes.
    func checkTensors(_ tensors: [String: CheckpointTensor]) throws(UVSegError) {
        let expected = tensorShapes
        var missing: [String] = []
        var misshaped: [String] = []
        for (name, shape) in expected {
            guard let tensor = tensors[name] else {
                missing.append("'\(name)'")
                continue
            }
            if tensor.shape != shape {
                misshaped.append("'\(name)' has shape \(tensor.shape), expected \(shape)")
            } else if tensor.values.count != shape.reduce(1, *) {
                misshaped.append("'\(name)' holds \(tensor.values.count) values for shape \(shape)")
            }
        }
        let expectedNames = Set(expected.map(\.name))
        let unexpected = tensors.keys.filter { !expectedNames.contains($0) }.sorted().map { "'\($0)'" }

        var problems: [String] = []
        if !missing.isEmpty { problems.append("missing \(Self.list(missing))") }
        if !misshaped.isEmpty { problems.append("mis-shaped \(Self.list(misshaped))") }
        if !unexpected.isEmpty { problems.append("unexpected \(Self.list(unexpected))") }
        guard problems.isEmpty else {
            throw .badFormat("the checkpoint does not fit a \(self): \(problems.joined(separator: "; "))")
        }
    }

    /// One more than the largest block index named with `prefix`, or 0 if there is none.
    private static func blockCount(prefix: String, in names: Dictionary<String, CheckpointTensor>.Keys) throws(UVSegError) -> Int {
        var count = 0
        for name in names where name.hasPrefix(prefix) {
            let index = name.dropFirst(prefix.count).prefix { $0 != "." }
            // Names with a non-numeric index are left for the unexpected-tensor check.
            guard index.allSatisfy(\.isASCII), let value = Int(index), value >= 0 else { continue }
            guard value < maximumEncoderBlockCount else {
                throw .unsupported(
                    "the checkpoint names block \(prefix)\(index); uvseg supports at most \(maximumEncoderBlockCount) "
                        + "encoder blocks: a network of L blocks needs image sides that are multiples of 2^(L-1), "
                        + "and \(largestSizeMultiple) is the largest input size")
            }
            count = max(count, value + 1)
        }
        return count
    }

    private static func inferWidths(_ position: BlockPosition, from tensors: [String: CheckpointTensor]) throws(UVSegError) -> BlockWidths {
        let names = CrossBlockTensorNames(position)
        return BlockWidths(
            crossFeatures: try leadingExtent(of: names.crossWeight, in: tensors),
            outputFeatures: try leadingExtent(of: names.targetWeight, in: tensors))
    }

    /// The output channels of a convolution weight, which must be 4-D.
    private static func leadingExtent(of name: String, in tensors: [String: CheckpointTensor]) throws(UVSegError) -> Int {
        guard let tensor = tensors[name] else {
            throw .badFormat("the checkpoint is missing tensor '\(name)'")
        }
        guard tensor.shape.count == 4, let extent = tensor.shape.first, extent >= 1 else {
            throw .badFormat("tensor '\(name)' has shape \(tensor.shape); a convolution weight is [out, in, kh, kw] with out >= 1")
        }
        return extent
    }

    /// A readable list of at most a few items.
    private static func list(_ items: [String]) -> String {
        let shown = 5
        let head = items.prefix(shown).joined(separator: ", ")
        return items.count > shown ? "\(head) and \(items.count - shown) more" : head
    }
}
