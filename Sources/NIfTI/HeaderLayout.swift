import CNIfTI

/// The fields of libnifti's `nifti_1_header` and `nifti_2_header` seen through Swift types, so that
/// one reader and one writer serve both versions. Values are in native byte order.
protocol HeaderLayout {
    init()
    /// 1 or 2.
    static var version: Int { get }
    /// sizeof_hdr: 348 or 540.
    static var byteCount: Int { get }
    var headerSize: Int32 { get set }
    var dimensions: [Int] { get set }
    var datatypeCode: Int { get set }
    var bitsPerVoxel: Int { get set }
    var pixdims: [Double] { get set }
    var dataOffset: Double { get set }
    var scaling: Scaling { get set }
    var calibration: [Double] { get set }
    var intent: Intent { get set }
    var qformCode: Int { get set }
    var sformCode: Int { get set }
    /// quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z.
    var quaternionParameters: [Double] { get set }
    /// srow_x, srow_y, srow_z.
    var sformRows: [Double] { get set }
    var unitsCode: Int { get set }
    var dimensionInfo: UInt8 { get set }
    var descriptionText: String { get set }
    var magicText: String { get set }
}

extension nifti_1_header: HeaderLayout {
    static var version: Int { 1 }
    static var byteCount: Int { 348 }
    var headerSize: Int32 { get { sizeof_hdr } set { sizeof_hdr = newValue } }
    var dimensions: [Int] {
        get { elements(of: dim, as: Int16.self).map(Int.init) }
        set { setElements(of: &dim, to: newValue.map { Int16(clamping: $0) }) }
    }
    var datatypeCode: Int { get { Int(datatype) } set { datatype = Int16(clamping: newValue) } }
    var bitsPerVoxel: Int { get { Int(bitpix) } set { bitpix = Int16(clamping: newValue) } }
    var pixdims: [Double] {
        get { elements(of: pixdim, as: Float.self).map(Double.init) }
        set { setElements(of: &pixdim, to: newValue.map { Float($0) }) }
    }
    var dataOffset: Double { get { Double(vox_offset) } set { vox_offset = Float(newValue) } }
    var scaling: Scaling {
        get { Scaling(slope: Double(scl_slope), intercept: Double(scl_inter)) }
        set { scl_slope = Float(newValue.slope); scl_inter = Float(newValue.intercept) }
    }
    var calibration: [Double] {
        get { [Double(cal_min), Double(cal_max)] }
        set { cal_min = Float(newValue[0]); cal_max = Float(newValue[1]) }
    }
    var intent: Intent {
        get {
            Intent(
                code: Int(intent_code), name: string(from: intent_name),
                parameters: [intent_p1, intent_p2, intent_p3].map(Double.init))
        }
        set {
            intent_code = Int16(clamping: newValue.code)
            setString(&intent_name, to: newValue.name)
            let p = newValue.parameters.map { Float($0) } + [0, 0, 0]
            (intent_p1, intent_p2, intent_p3) = (p[0], p[1], p[2])
        }
    }
    var qformCode: Int { get { Int(qform_code) } set { qform_code = Int16(clamping: newValue) } }
    var sformCode: Int { get { Int(sform_code) } set { sform_code = Int16(clamping: newValue) } }
    var quaternionParameters: [Double] {
        get { [quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z].map(Double.init) }
        set {
            let q = newValue.map { Float($0) }
            (quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z) = (q[0], q[1], q[2], q[3], q[4], q[5])
        }
    }
    var sformRows: [Double] {
        get { [srow_x, srow_y, srow_z].flatMap { elements(of: $0, as: Float.self).map(Double.init) } }
        set {
            let rows = newValue.map { Float($0) }
            setElements(of: &srow_x, to: Array(rows[0..<4]))
            setElements(of: &srow_y, to: Array(rows[4..<8]))
            setElements(of: &srow_z, to: Array(rows[8..<12]))
        }
    }
    var unitsCode: Int {
        get { Int(UInt8(bitPattern: xyzt_units)) }
        set { xyzt_units = Int8(bitPattern: UInt8(truncatingIfNeeded: newValue)) }
    }
    var dimensionInfo: UInt8 {
        get { UInt8(bitPattern: dim_info) }
        set { dim_info = Int8(bitPattern: newValue) }
    }
    var descriptionText: String { get { string(from: descrip) } set { setString(&descrip, to: newValue) } }
    var magicText: String { get { string(from: magic) } set { setString(&magic, to: newValue) } }
}

extension nifti_2_header: HeaderLayout {
    static var version: Int { 2 }
    static var byteCount: Int { 540 }
    var headerSize: Int32 { get { sizeof_hdr } set { sizeof_hdr = newValue } }
    var dimensions: [Int] {
        get { elements(of: dim, as: Int64.self).map { Int(truncatingIfNeeded: $0) } }
        set { setElements(of: &dim, to: newValue.map(Int64.init)) }
    }
    var datatypeCode: Int { get { Int(datatype) } set { datatype = Int16(clamping: newValue) } }
    var bitsPerVoxel: Int { get { Int(bitpix) } set { bitpix = Int16(clamping: newValue) } }
    var pixdims: [Double] {
        get { elements(of: pixdim, as: Double.self) }
        set { setElements(of: &pixdim, to: newValue) }
    }
    var dataOffset: Double {
        get { Double(vox_offset) }
        set { vox_offset = Int64(exactly: newValue.rounded(.down)) ?? 0 }
    }
    var scaling: Scaling {
        get { Scaling(slope: scl_slope, intercept: scl_inter) }
        set { scl_slope = newValue.slope; scl_inter = newValue.intercept }
    }
    var calibration: [Double] {
        get { [cal_min, cal_max] }
        set { cal_min = newValue[0]; cal_max = newValue[1] }
    }
    var intent: Intent {
        get { Intent(code: Int(intent_code), name: string(from: intent_name), parameters: [intent_p1, intent_p2, intent_p3]) }
        set {
            intent_code = Int32(clamping: newValue.code)
            setString(&intent_name, to: newValue.name)
            let p = newValue.parameters + [0, 0, 0]
            (intent_p1, intent_p2, intent_p3) = (p[0], p[1], p[2])
        }
    }
    var qformCode: Int { get { Int(qform_code) } set { qform_code = Int32(clamping: newValue) } }
    var sformCode: Int { get { Int(sform_code) } set { sform_code = Int32(clamping: newValue) } }
    var quaternionParameters: [Double] {
        get { [quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z] }
        set {
            let q = newValue
            (quatern_b, quatern_c, quatern_d, qoffset_x, qoffset_y, qoffset_z) = (q[0], q[1], q[2], q[3], q[4], q[5])
        }
    }
    var sformRows: [Double] {
        get { [srow_x, srow_y, srow_z].flatMap { elements(of: $0, as: Double.self) } }
        set {
            setElements(of: &srow_x, to: Array(newValue[0..<4]))
            setElements(of: &srow_y, to: Array(newValue[4..<8]))
            setElements(of: &srow_z, to: Array(newValue[8..<12]))
        }
    }
    var unitsCode: Int { get { Int(xyzt_units) } set { xyzt_units = Int32(clamping: newValue) } }
    var dimensionInfo: UInt8 {
        get { UInt8(bitPattern: dim_info) }
        set { dim_info = Int8(bitPattern: newValue) }
    }
    var descriptionText: String { get { string(from: descrip) } set { setString(&descrip, to: newValue) } }
    var magicText: String { get { string(from: magic) } set { setString(&magic, to: newValue) } }
}

/// The elements of a homogeneous C array imported as a tuple.
private func elements<Tuple, Element>(of tuple: Tuple, as _: Element.Type) -> [Element] {
    withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: Element.self)) }
}

/// Overwrites the leading elements of a homogeneous C array imported as a tuple.
private func setElements<Tuple, Element>(of tuple: inout Tuple, to values: [Element]) {
    withUnsafeMutableBytes(of: &tuple) { raw in
        let destination = raw.bindMemory(to: Element.self)
        for (index, value) in zip(destination.indices, values) { destination[index] = value }
    }
}

/// The text of a C char array, up to its first NUL (or its end when it has none), decoded as UTF-8.
private func string<Tuple>(from tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// Stores text in a C char array, truncated so a terminating NUL always fits; the rest is zeroed.
private func setString<Tuple>(_ tuple: inout Tuple, to text: String) {
    withUnsafeMutableBytes(of: &tuple) { raw in
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        for (index, byte) in zip(raw.indices.dropLast(), text.utf8) { raw[index] = byte }
    }
}
