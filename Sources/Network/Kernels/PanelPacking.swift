import CKernels

/// The layout CKernels' matrix product takes its left operand in: the rows in panels of
/// UVSEG_PANEL_ROWS (the last one maybe fewer), each panel column by column, so that one step of
/// the product reads all its rows' values from one place.
enum PanelPacking {
    /// `matrix` (rows x columns, row-major) packed.
    static func packed(_ matrix: ArraySlice<Float>, rows: Int, columns: Int) -> [Float] {
        let panelRows = Int(UVSEG_PANEL_ROWS)
        let start = matrix.startIndex
        var packed = [Float](repeating: 0, count: rows * columns)
        for panelStart in stride(from: 0, to: rows, by: panelRows) {
            let panelHeight = min(panelRows, rows - panelStart)
            for column in 0..<columns {
                for row in 0..<panelHeight {
                    packed[panelStart * columns + column * panelHeight + row] =
                        matrix[start + (panelStart + row) * columns + column]
                }
            }
        }
        return packed
    }
}
