/*
 * Inner loops of libuvseg's network: the Winograd F(4x4, 3x3) transforms, a matrix product (also
 * gathered from a band's padded input rows, an implicit im2col), the activation and pooling of
 * encoder block 0's members and bilinear upsampling, written once with vector extensions and
 * compiled twice, for AVX2 + FMA and for the baseline instruction set; uvseg_kernels_select()
 * picks the variant the CPU runs.
 *
 * Internal to the library (no uvs_ prefix: the export list keeps these symbols out of
 * libuvseg.so's interface). Every pointer is valid for the extents given; nothing is allocated.
 */
#ifndef UVSEG_KERNELS_H
#define UVSEG_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an output transform does with each value y (bias included) as it writes it. */
typedef enum {
    UVSEG_EPILOGUE_STORE = 0,         /* out = y */
    UVSEG_EPILOGUE_LEAKY_RELU = 1,    /* out = y < 0 ? 0.01 y : y */
    UVSEG_EPILOGUE_SUMMING = 2,       /* out = y, sum += y */
    UVSEG_EPILOGUE_SUMMING_BASE = 3,  /* out = base + y, sum += y */
    UVSEG_EPILOGUE_ACTIVATED_SUM = 4, /* sum += LeakyReLU(y); out is not written */
} uvseg_epilogue_kind;

/* For each output index along one axis of a 2x bilinear upsampling: the two input indices it
 * lies between, both nondecreasing in the output index, and their weights. */
typedef struct {
    const int *first;
    const int *second;
    const float *first_weight;
    const float *second_weight;
} uvseg_axis_samples;

/* Rows of a panel of the matrix product's packed left operand. */
#define UVSEG_PANEL_ROWS 6

typedef struct {
    /* V = B^T d B for the tiles of one channel of one band: tile rows first_tile_row ...
     * first_tile_row + tile_rows - 1 of a height x width plane, (width + 3) / 4 tiles a row.
     * Value (i, j) of the band's tile t (row by row) is written to destination[(6 i + j) * stride
     * + t]. Each input row the band reads (four a tile row, and one above and below; zero outside
     * the image) is first split into `split`, 4 * phase_length floats a row: phase q of k holds
     * column 4k + q - 1, zeros up to phase_length, which is at least the tiles of a row rounded up
     * to 8, plus 1. The six columns of tile k are then phases 0...3 at k and 0, 1 at k + 1: B^T
     * goes down each tile row's six split rows into `combined` (six rows of 4 * phase_length
     * floats), then along each combined row, eight tiles at a time. Asks the cache for the band's
     * rows of `upcoming` (NULL: none), the plane read next. */
    void (*transform_input_band)(
        const float *plane, int height, int width, int first_tile_row, int tile_rows, int phase_length,
        float *split, float *combined, float *destination, ptrdiff_t stride, const float *upcoming);

    /* A^T M A + bias for one output channel of the same band: products[position * stride + t]
     * for the 36 positions of the band's tiles, written with the epilogue to the band's rows of
     * the height x width plane `output`, clipped to the image; `base` and `sum` (used by the
     * summing epilogues) are planes addressed like `output`. Asks the cache for the same rows
     * `upcoming` floats further on in each plane it uses (0: none), the rows written next. */
    void (*output_band)(
        const float *products, ptrdiff_t stride, int first_tile_row, int tile_rows, int height, int width, float bias,
        float *output, uvseg_epilogue_kind epilogue, const float *base, float *sum, ptrdiff_t upcoming);

    /* For `channels` channels of rows of even height and width: v = LeakyReLU(a + b) at every
     * pixel (b NULL: v = LeakyReLU(a)), sum += v, and pooled (height/2 x width/2) = the 2 x 2
     * maxima of v. Channels lie `plane` floats apart in a and sum, `b_channel_stride` in b and
     * `pooled_plane` in pooled. The pooled values are written past the caches (non-temporal
     * stores where 16-byte aligned, fenced before returning): they are read only after the whole
     * member loop, long after they would have left the caches, and fetching their lines before
     * writing them only took bandwidth. */
    void (*activate_pool_sum)(
        const float *a, ptrdiff_t plane, const float *b, ptrdiff_t b_channel_stride, int channels, int height, int width,
        float *pooled, ptrdiff_t pooled_plane, float *sum);

    /* 2x bilinear upsampling of one input_height x input_width plane into `target` (twice the
     * height and width), in PyTorch's order of operations and without fused multiply-adds:
     * across each input row into `across` (input_height rows of 2 input_width floats), output
     * value c = first_weight[c] row[first[c]] + second_weight[c] row[second[c]] by `columns`,
     * then down those rows by `rows` alike. */
    void (*upsample_plane)(
        const float *source, int input_height, int input_width, uvseg_axis_samples columns,
        uvseg_axis_samples rows, float *across, float *target);

    /* c = a b for a (m x k) packed in panels of UVSEG_PANEL_ROWS rows (the last one maybe fewer):
     * panel i holds rows 6i... with element (row, p) at a[6i * k + p * rows_in_panel + row - 6i],
     * so that each step of the product reads its rows' values from one place; b (k x n, row stride
     * ldb) and c (m x n, row stride ldc) are row-major. */
    void (*matrix_product)(int m, int n, int k, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

    /* The same product for a convolution's band of `rows` output rows of `width` pixels, its right
     * operand the band's im2col matrix without writing it: the value of reduction step p (an input
     * channel and tap) at output pixel (row, x) is source[row * source_row_stride + x + offsets[p]],
     * where `source` holds the band's zero-padded input rows. Output channel i of that pixel is
     * written to (accumulate: added to) c[i * ldc + row * width + x]. */
    void (*gathered_product)(
        int m, int rows, int width, int k, const float *a, const float *source, ptrdiff_t source_row_stride,
        const int *offsets, float *c, ptrdiff_t ldc, int accumulate);

    /* A name for reports: "avx2" or "baseline". */
    const char *name;
} uvseg_kernels;

/* The kernels for this CPU; with prefer_wide = 0, the baseline ones whatever the CPU. */
const uvseg_kernels *uvseg_kernels_select(int prefer_wide);

#ifdef __cplusplus
}
#endif

#endif
