import Workflow

/// The object behind `uvs_options *`: settings a caller fills with setters before a call.
final class Options {
    /// The caller's progress callback and its context pointer, if any.
    var progress: (callback: ProgressFunction, userData: UnsafeMutableRawPointer?)?
    /// Volume segmentation and validation settings (SegmentationOptionFunctions.swift), and the
    /// threads of predictions.
    var segmentation = SegmentationOptions()
    /// Segmentations `uvs_validate` runs side by side.
    var jobs = 1
}

/// `uvs_progress_fn`: fraction done, stage name, caller's context; non-zero return cancels.
public typealias ProgressFunction = @convention(c) (Double, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Int32
