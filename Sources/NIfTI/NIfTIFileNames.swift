import CNIfTI

/// The header and image file names of a NIfTI name, found as libnifti's `nifti_findhdrname` and
/// `nifti_findimgname` find them, but probed with `stat`: libnifti opens each candidate to see
/// whether it is there, and opening a FIFO waits for a writer that may never come.
enum NIfTIFileNames {
    /// The file holding the header for `path`, nil when there is none: `path` itself when it has
    /// a NIfTI extension other than `.img` and is there, else the first of basename + `.nii`,
    /// `.nii.gz`, `.hdr`, `.hdr.gz` that is there (`.hdr` first for an `.img` that is there), in
    /// the case of the given extension.
    static func header(for path: String) -> String? {
        guard let (base, ext) = split(path) else { return nil }
        let isImageName = ext.lowercased().hasPrefix(".img")
        if !ext.isEmpty, FileSystem.exists(path) {
            if !isImageName { return path }
            return firstExisting(base, [".hdr", ".nii"], uppercase: isUppercase(ext))
        }
        return firstExisting(base, [".nii", ".hdr"], uppercase: isUppercase(ext))
    }

    /// The image file (`.img` or `.img.gz`) that belongs to the header `path`, nil when neither is there.
    static func image(forHeader path: String) -> String? {
        guard let (base, ext) = split(path) else { return nil }
        return firstExisting(base, [".img"], uppercase: isUppercase(ext))
    }

    /// `path` as basename and NIfTI extension (empty when it has none), as libnifti splits it;
    /// nil for a name libnifti refuses (empty, or an extension alone).
    private static func split(_ path: String) -> (base: String, ext: String)? {
        guard !path.isEmpty else { return nil }
        let extensionLength = path.withCString { name in
            nifti_find_file_extension(name).map { Int(strlen($0)) } ?? 0
        }
        let utf8 = Array(path.utf8)
        guard extensionLength < utf8.count else { return nil }
        let base = utf8.count - extensionLength
        return (String(decoding: utf8[..<base], as: UTF8.self), String(decoding: utf8[base...], as: UTF8.self))
    }

    /// The first of each extension, then it with `.gz`, added to `base` that is there.
    private static func firstExisting(_ base: String, _ extensions: [String], uppercase: Bool) -> String? {
        let candidates = extensions.flatMap { [$0, $0 + ".gz"] }.map { base + (uppercase ? $0.uppercased() : $0) }
        return candidates.first(where: FileSystem.exists)
    }

    /// libnifti looks for upper-case names when the given extension has upper-case letters only.
    private static func isUppercase(_ ext: String) -> Bool {
        ext.contains(where: \.isUppercase) && !ext.contains(where: \.isLowercase)
    }
}
