import Foundation
import Workflow

/// Reading the volumes a command is given and checking where it will write, before any heavy work.
enum VolumeFiles {
    /// Throws `.io` naming `path` when no file is there, or a folder is.
    static func requireExisting(_ path: String, role: String) throws(UVSegError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .io("\(role) \(path): no such file")
        }
        guard !isFolder.boolValue else {
            throw .io("\(role) \(path) is a folder; give the path of a file in it")
        }
    }

    /// A file a command reads or writes, and what it is to the command ("--out", "query image").
    typealias Role = (path: String, role: String)

    /// Throws `.invalidArgument` when an output is one of the inputs (the same file however it is
    /// spelled: links and relative paths are followed) or two outputs are one file, so that no
    /// command ever replaces what it reads.
    static func requireSeparate(outputs: [Role], inputs: [Role]) throws(UVSegError) {
        for (index, output) in outputs.enumerated() {
            let destination = Destination(output.path)
            if case .existing(let identity) = destination,
               let input = inputs.first(where: { FileIdentity(path: $0.path) == identity }) {
                throw .invalidArgument(
                    "\(output.role) \(output.path) is the \(input.role) \(input.path); uvseg never writes over its "
                        + "inputs, so choose another name")
            }
            if let other = outputs[..<index].first(where: { Destination($0.path) == destination }) {
                throw .invalidArgument("\(other.role) and \(output.role) name the same file, \(output.path)")
            }
        }
    }

    /// Throws unless a NIfTI file can be written at `path`: a `.nii`/`.nii.gz` name in an existing,
    /// writable folder, not a folder itself.
    static func requireWritable(_ path: String, role: String) throws(UVSegError) {
        let lowercased = path.lowercased()
        guard lowercased.hasSuffix(".nii") || lowercased.hasSuffix(".nii.gz") else {
            throw .invalidArgument("\(role) \(path): the name must end in .nii or .nii.gz")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .io("\(role) \(path): the folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw .io("\(role) \(path): the folder \(folder) is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .io("\(role) \(path) is a folder")
        }
    }

    /// The single 3-D volume in the NIfTI file at `path`; errors name the file.
    static func volume(at path: String, role: String) throws(UVSegError) -> Volume {
        do throws(UVSegError) {
            let file = try NIfTIFile(path: path)
            guard file.volumeCount == 1 else {
                throw UVSegError.invalidArgument(
                    "it holds \(file.volumeCount) volumes; uvseg segments single 3-D volumes, so give one volume "
                        + "(one contrast, one time point) per file")
            }
            return try file.volume()
        } catch {
            throw UVSegError(error.kind, "\(role) \(path): \(error.message)")
        }
    }

    /// An image and its label map from `IMAGE:LABELS` (split at the last colon); both files must
    /// exist, the labels must be whole numbers and lie on the image's grid.
    static func labelledVolume(_ pair: String, role: String) throws(UVSegError) -> LabelledVolume {
        let (imagePath, labelPath) = try split(pair, role: role)
        let image = try volume(at: imagePath, role: "\(role) image")
        do throws(UVSegError) {
            let labels = try LabelMap(volume(at: labelPath, role: "\(role) labels"))
            return try LabelledVolume(image: image, labels: labels)
        } catch {
            throw UVSegError(error.kind, "\(labelPath): \(error.message)")
        }
    }

    /// The image and label files of an `IMAGE:LABELS` pair as inputs of a command (none for a
    /// malformed pair, which `requireExistingPair` reports).
    static func roles(ofPair pair: String, role: String) -> [Role] {
        guard let (image, labels) = try? split(pair, role: role) else { return [] }
        return [(image, "\(role) image"), (labels, "\(role) label map")]
    }

    /// Throws unless both files of an `IMAGE:LABELS` pair exist.
    static func requireExistingPair(_ pair: String, role: String) throws(UVSegError) {
        let (imagePath, labelPath) = try split(pair, role: role)
        try requireExisting(imagePath, role: "\(role) image")
        try requireExisting(labelPath, role: "\(role) labels")
    }

    /// Where an output goes: a file that exists, or the resolved folder and name of a new one.
    private enum Destination: Equatable {
        case existing(FileIdentity)
        case new(folder: String, name: String)

        init(_ path: String) {
            if let identity = FileIdentity(path: path) {
                self = .existing(identity)
            } else {
                let url = URL(fileURLWithPath: path)
                self = .new(folder: url.deletingLastPathComponent().resolvingSymlinksInPath().path, name: url.lastPathComponent)
            }
        }
    }

    private static func split(_ pair: String, role: String) throws(UVSegError) -> (String, String) {
        guard let colon = pair.lastIndex(of: ":"), colon != pair.startIndex, pair.index(after: colon) != pair.endIndex else {
            throw .invalidArgument("\(role) \"\(pair)\" must be IMAGE:LABELS, two NIfTI files joined by a colon")
        }
        return (String(pair[..<colon]), String(pair[pair.index(after: colon)...]))
    }
}
