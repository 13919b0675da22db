/// Where a block sits in the network.
package enum BlockPosition: Sendable, Equatable {
    case encoder(Int)
    case decoder(Int)

    /// The block's name prefix in a state_dict, as the published checkpoint spells it.
    var prefix: String {
        switch self {
        case .encoder(let index): "enc_blocks.\(index)"
        case .decoder(let index): "dec_blocks.\(index)"
        }
    }
}

/// The state_dict names of one cross block's six tensors.
struct CrossBlockTensorNames: Sendable {
    let crossWeight: String
    let crossBias: String
    let targetWeight: String
    let targetBias: String
    let supportWeight: String
    let supportBias: String

    init(_ position: BlockPosition) {
        let prefix = position.prefix
        crossWeight = "\(prefix).cross.cross_conv.weight"
        crossBias = "\(prefix).cross.cross_conv.bias"
        targetWeight = "\(prefix).target.vmapped.conv.weight"
        targetBias = "\(prefix).target.vmapped.conv.bias"
        supportWeight = "\(prefix).support.vmapped.conv.weight"
        supportBias = "\(prefix).support.vmapped.conv.bias"
    }
}

/// The state_dict names of the final 1 x 1 convolution.
enum OutputTensorNames {
    static let weight = "out_conv.conv.weight"
    static let bias = "out_conv.conv.bias"
}
