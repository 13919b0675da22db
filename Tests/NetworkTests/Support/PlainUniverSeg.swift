@testable import Network

/// The two-stream network of docs/DESIGN.md ("The network") evaluated literally: every support
/// member carried through every block, the cross convolution applied to each concatenated pair,
/// direct convolution loops. Slow and independent of the engine's reformulation and kernels;
/// checked against the PyTorch fixtures in the tests, then used for architectures that have none.
struct PlainUniverSeg {
    /// A channels x height x width map.
    struct Map {
        var channels: Int
        var height: Int
        var width: Int
        var values: [Float]

        init(channels: Int, height: Int, width: Int, values: [Float]? = nil) {
            self.channels = channels
            self.height = height
            self.width = width
            self.values = values ?? Array(repeating: 0, count: channels * height * width)
        }

        subscript(channel: Int, row: Int, column: Int) -> Float {
            get { values[(channel * height + row) * width + column] }
            set { values[(channel * height + row) * width + column] = newValue }
        }

        static func concat(_ a: Map, _ b: Map) -> Map {
            Map(channels: a.channels + b.channels, height: a.height, width: a.width, values: a.values + b.values)
        }
    }

    let tensors: [String: CheckpointTensor]
    let encoderCount: Int
    let decoderCount: Int

    init(tensors: [String: CheckpointTensor]) throws {
        let architecture = try UniverSegArchitecture(inferringFrom: tensors)
        self.tensors = tensors
        encoderCount = architecture.encoder.count
        decoderCount = architecture.decoder.count
    }

    /// The logits of one query with the support pairs.
    func predict(query: Map, support: [(image: Map, label: Map)]) -> [Float] {
        var target = query
        var members = support.map { Map.concat($0.image, $0.label) }
        var skips: [(Map, [Map])] = []
        for index in 0..<encoderCount {
            (target, members) = block("enc_blocks.\(index)", target: target, members: members)
            if index < encoderCount - 1 {
                skips.append((target, members))
                target = pool(target)
                members = members.map(pool)
            }
        }
        for index in 0..<decoderCount {
            let (skipTarget, skipMembers) = skips.removeLast()
            target = Map.concat(upsample(target), skipTarget)
            members = zip(members, skipMembers).map { Map.concat(upsample($0), $1) }
            (target, members) = block("dec_blocks.\(index)", target: target, members: members)
        }
        return convolve(target, "out_conv.conv").values
    }

    private func block(_ prefix: String, target: Map, members: [Map]) -> (Map, [Map]) {
        let crosses = members.map { convolve(Map.concat(target, $0), "\(prefix).cross.cross_conv") }
        var mean = Map(channels: crosses[0].channels, height: target.height, width: target.width)
        for cross in crosses {
            for index in mean.values.indices { mean.values[index] += cross.values[index] / Float(crosses.count) }
        }
        let newTarget = activate(convolve(mean, "\(prefix).target.vmapped.conv"))
        let newMembers = crosses.map { activate(convolve($0, "\(prefix).support.vmapped.conv")) }
        return (newTarget, newMembers)
    }

    private func convolve(_ input: Map, _ name: String) -> Map {
        let weight = tensors["\(name).weight"]!
        let bias = tensors["\(name).bias"]!
        let (outputs, size) = (weight.shape[0], weight.shape[2])
        var output = Map(channels: outputs, height: input.height, width: input.width)
        for o in 0..<outputs {
            for row in 0..<input.height {
                for column in 0..<input.width {
                    var sum = bias.values[o]
                    for c in 0..<input.channels {
                        for dy in 0..<size {
                            for dx in 0..<size {
                                let (y, x) = (row + dy - size / 2, column + dx - size / 2)
                                guard y >= 0, y < input.height, x >= 0, x < input.width else { continue }
                                sum += weight.values[((o * input.channels + c) * size + dy) * size + dx] * input[c, y, x]
                            }
                        }
                    }
                    output[o, row, column] = sum
                }
            }
        }
        return output
    }

    private func activate(_ map: Map) -> Map {
        var map = map
        map.values = map.values.map { $0 < 0 ? 0.01 * $0 : $0 }
        return map
    }

    private func pool(_ input: Map) -> Map {
        var output = Map(channels: input.channels, height: input.height / 2, width: input.width / 2)
        for c in 0..<input.channels {
            for row in 0..<output.height {
                for column in 0..<output.width {
                    output[c, row, column] = [(0, 0), (0, 1), (1, 0), (1, 1)]
                        .map { input[c, 2 * row + $0.0, 2 * column + $0.1] }.max()!
                }
            }
        }
        return output
    }

    /// Bilinear, align_corners = true, computed in Double.
    private func upsample(_ input: Map) -> Map {
        var output = Map(channels: input.channels, height: 2 * input.height, width: 2 * input.width)
        func source(_ index: Int, _ inputCount: Int, _ outputCount: Int) -> (Int, Int, Double) {
            let coordinate = Double(index) * Double(inputCount - 1) / Double(outputCount - 1)
            let lower = Int(coordinate.rounded(.down))
            return (lower, min(lower + 1, inputCount - 1), coordinate - Double(lower))
        }
        for c in 0..<input.channels {
            for row in 0..<output.height {
                let (top, bottom, dy) = source(row, input.height, output.height)
                for column in 0..<output.width {
                    let (left, right, dx) = source(column, input.width, output.width)
                    let upper = (1 - dx) * Double(input[c, top, left]) + dx * Double(input[c, top, right])
                    let lower = (1 - dx) * Double(input[c, bottom, left]) + dx * Double(input[c, bottom, right])
                    output[c, row, column] = Float((1 - dy) * upper + dy * lower)
                }
            }
        }
        return output
    }
}
