/*
 * The kernels of uvseg_kernels.h, included once per instruction-set variant by kernels.c with
 * KERNEL(name), KERNEL_TABLE, KERNEL_NAME and KERNEL_HAS_AVX2 defined. Vectors are eight floats;
 * in the baseline variant the compiler lowers each operation to the narrower instructions it has.
 */
#include <stdint.h>
#include <string.h>

#ifndef UVSEG_KERNELS_VECTOR_TYPES
#define UVSEG_KERNELS_VECTOR_TYPES
typedef float uvseg_v8 __attribute__((vector_size(32)));
typedef int uvseg_v8i __attribute__((vector_size(32)));
typedef float uvseg_v4 __attribute__((vector_size(16)));
typedef int uvseg_v4i __attribute__((vector_size(16)));

/* B^T d for six values (vectors or scalars) of a tile column or row: points 0, 1, -1, 1/2, -2, oo. */
#define UVSEG_INPUT_TRANSFORM(d0, d1, d2, d3, d4, d5, r)          \
    do {                                                           \
        (r)[0] = (d0) - 1.5f * (d1) - 2.0f * (d2) + 1.5f * (d3) + (d4); \
        (r)[1] = 0.5f * (d2) - (d1) + 2.5f * (d3) + (d4);          \
        (r)[2] = (d1) - 2.5f * (d2) + 0.5f * (d3) + (d4);          \
        (r)[3] = 2.0f * (d3) - 2.0f * (d1) - (d2) + (d4);          \
        (r)[4] = 0.5f * (d1) - (d2) - 0.5f * (d3) + (d4);          \
        (r)[5] = (d1) - 1.5f * (d2) - 2.0f * (d3) + 1.5f * (d4) + (d5); \
    } while (0)

/* A^T m for six values of a transformed tile's column or row. */
#define UVSEG_OUTPUT_TRANSFORM(m0, m1, m2, m3, m4, m5, y)                \
    do {                                                                 \
        (y)[0] = (m0) + (m1) + (m2) + (m3) + (m4);                       \
        (y)[1] = (m1) - (m2) + 0.5f * (m3) - 2.0f * (m4);                \
        (y)[2] = (m1) + (m2) + 0.25f * (m3) + 4.0f * (m4);               \
        (y)[3] = (m1) - (m2) + 0.125f * (m3) - 8.0f * (m4) + (m5);       \
    } while (0)
#endif

static inline uvseg_v8 KERNEL(load8)(const float *p) {
    uvseg_v8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void KERNEL(store8)(float *p, uvseg_v8 v) {
    memcpy(p, &v, sizeof v);
}

static inline uvseg_v4 KERNEL(load4)(const float *p) {
    uvseg_v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void KERNEL(store4)(float *p, uvseg_v4 v) {
    memcpy(p, &v, sizeof v);
}

static inline uvseg_v8 KERNEL(splat)(float x) {
    return (uvseg_v8){x, x, x, x, x, x, x, x};
}

/* LeakyReLU with slope 0.01, as the scalar y < 0 ? 0.01 y : y. */
static inline uvseg_v8 KERNEL(leaky8)(uvseg_v8 y) {
    uvseg_v8i negative = y < 0.0f;
    return (uvseg_v8)(((uvseg_v8i)(y * 0.01f) & negative) | ((uvseg_v8i)y & ~negative));
}

/* v[index[i]] in lane i, for indices 0 to 7. */
static inline uvseg_v8 KERNEL(permute8)(uvseg_v8 v, uvseg_v8i index) {
#if KERNEL_HAS_AVX2
    return __builtin_ia32_permvarsf256(v, index);
#else
    uvseg_v8 permuted;
    for (int i = 0; i < 8; i++) permuted[i] = v[index[i] & 7];
    return permuted;
#endif
}

/* The larger of x and y, lane by lane. */
static inline uvseg_v8 KERNEL(max8)(uvseg_v8 x, uvseg_v8 y) {
    uvseg_v8i larger = y > x;
    return (uvseg_v8)(((uvseg_v8i)y & larger) | ((uvseg_v8i)x & ~larger));
}

/* Phases 0 to 3 of four consecutive k from their sixteen columns, a 4 x 4 transpose: r0 holds
 * columns 4k - 1 ... 4k + 2, r1 the next four, and so on. */
static inline void KERNEL(split_block)(uvseg_v4 r0, uvseg_v4 r1, uvseg_v4 r2, uvseg_v4 r3, float *split, int phase_length) {
    uvseg_v4 a = __builtin_shufflevector(r0, r1, 0, 4, 1, 5), b = __builtin_shufflevector(r2, r3, 0, 4, 1, 5);
    uvseg_v4 c = __builtin_shufflevector(r0, r1, 2, 6, 3, 7), d = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
    KERNEL(store4)(split, __builtin_shufflevector(a, b, 0, 1, 4, 5));
    KERNEL(store4)(split + phase_length, __builtin_shufflevector(a, b, 2, 3, 6, 7));
    KERNEL(store4)(split + 2 * phase_length, __builtin_shufflevector(c, d, 0, 1, 4, 5));
    KERNEL(store4)(split + 3 * phase_length, __builtin_shufflevector(c, d, 2, 3, 6, 7));
}

/* split[q * phase_length + k] = row[4k + q - 1] (NULL row: a row outside the image), zero outside;
 * asks the cache for the same columns of `upcoming` (NULL: none). Kept out of line, as is
 * transform_tile_row: inlined into transform_input_band, the two ran about a tenth slower. */
static __attribute__((noinline)) void KERNEL(split_row)(const float *row, int width, float *split, int phase_length, const float *upcoming) {
    if (!row) {
        memset(split, 0, sizeof(float) * 4 * (size_t)phase_length);
        return;
    }
    /* Column -1, and columns 0 to 2 as phases 1 to 3 of k = 0. */
    split[0] = 0;
    for (int column = 0; column < 3; column++) {
        split[(column + 1) * phase_length] = column < width ? row[column] : 0;
    }
    /* Phase q of k is column 4k + q - 1: from k = 1 on, four k at a time are a 4 x 4 transpose of
     * columns 4k - 1 ... 4k + 14, while those lie inside the row. Those k have a column 4k - 1
     * inside the row, so they are at most the tile count, below phase_length. */
    int k = 1;
    for (; 4 * k + 15 <= width; k += 4) {
        /* One cache line of the upcoming row per sixteen columns, spread through the loop: a
         * burst of prefetches would stall on the core's few outstanding misses. */
        if (upcoming) __builtin_prefetch(upcoming + 4 * k - 1);
        const float *columns = row + 4 * k - 1;
        KERNEL(split_block)(
            KERNEL(load4)(columns), KERNEL(load4)(columns + 4), KERNEL(load4)(columns + 8), KERNEL(load4)(columns + 12),
            split + k, phase_length);
    }
    if (upcoming && 4 * k - 1 < width) __builtin_prefetch(upcoming + 4 * k - 1);
#if KERNEL_HAS_AVX2
    /* The last columns, fewer than sixteen, as one more block where its four k fit the phases:
     * the loads past the row's end are masked, reading zeros without touching that memory. */
    if (4 * k - 1 < width && k + 4 <= phase_length) {
        const float *columns = row + 4 * k - 1;
        int valid = width - (4 * k - 1);
        uvseg_v4 r[4];
        for (int i = 0; i < 4; i++) {
            uvseg_v4i lanes = (uvseg_v4i){0, 1, 2, 3} + 4 * i;
            r[i] = __builtin_ia32_maskloadps((const uvseg_v4 *)(columns + 4 * i), lanes < valid);
        }
        KERNEL(split_block)(r[0], r[1], r[2], r[3], split + k, phase_length);
        k += 4;
    }
#endif
    /* The last columns, one k at a time. */
    for (; 4 * k - 1 < width; k++) {
        for (int q = 0; q < 4; q++) {
            int column = 4 * k + q - 1;
            split[q * phase_length + k] = column < width ? row[column] : 0;
        }
    }
    /* Zeros after the last k written, up to the end of each phase. */
    for (int q = 0; q < 4; q++) {
        for (int rest = k; rest < phase_length; rest++) split[q * phase_length + rest] = 0;
    }
}

static inline void KERNEL(combine_rows)(const float *sources, int row_length, float *combined) {
    int e = 0;
    for (; e + 8 <= row_length; e += 8) {
        uvseg_v8 r[6];
        UVSEG_INPUT_TRANSFORM(
            KERNEL(load8)(sources + e), KERNEL(load8)(sources + row_length + e),
            KERNEL(load8)(sources + 2 * row_length + e), KERNEL(load8)(sources + 3 * row_length + e),
            KERNEL(load8)(sources + 4 * row_length + e), KERNEL(load8)(sources + 5 * row_length + e), r);
        for (int i = 0; i < 6; i++) KERNEL(store8)(combined + i * row_length + e, r[i]);
    }
    for (; e < row_length; e++) {
        float r[6];
        UVSEG_INPUT_TRANSFORM(
            sources[e], sources[row_length + e], sources[2 * row_length + e], sources[3 * row_length + e],
            sources[4 * row_length + e], sources[5 * row_length + e], r);
        for (int i = 0; i < 6; i++) combined[i * row_length + e] = r[i];
    }
}

static inline void KERNEL(transform_across)(const float *row, int phase_length, int tiles, float *destination, ptrdiff_t stride) {
    const float *p0 = row, *p1 = row + phase_length, *p2 = row + 2 * phase_length, *p3 = row + 3 * phase_length;
    for (int t = 0; t < tiles; t += 8) {
        /* Tile t's six columns: phases 0 to 3 at t, phases 0 and 1 at t + 1. */
        uvseg_v8 r[6];
        UVSEG_INPUT_TRANSFORM(
            KERNEL(load8)(p0 + t), KERNEL(load8)(p1 + t), KERNEL(load8)(p2 + t), KERNEL(load8)(p3 + t),
            KERNEL(load8)(p0 + t + 1), KERNEL(load8)(p1 + t + 1), r);
        if (t + 8 <= tiles) {
            for (int j = 0; j < 6; j++) KERNEL(store8)(destination + j * stride + t, r[j]);
        } else {
            for (int j = 0; j < 6; j++) {
                float lanes[8];
                KERNEL(store8)(lanes, r[j]);
                memcpy(destination + j * stride + t, lanes, sizeof(float) * (size_t)(tiles - t));
            }
        }
    }
}

/* V = B^T d B for the `tiles` tiles of one tile row from its six split rows: down the columns
 * into `combined`, then along each combined row. */
static __attribute__((noinline)) void KERNEL(transform_tile_row)(
    const float *rows, int phase_length, int tiles, float *combined, float *destination, ptrdiff_t stride) {
    int row_length = 4 * phase_length;
    KERNEL(combine_rows)(rows, row_length, combined);
    for (int i = 0; i < 6; i++) {
        KERNEL(transform_across)(combined + i * row_length, phase_length, tiles, destination + 6 * i * stride, stride);
    }
}

static void KERNEL(transform_input_band)(
    const float *plane, int height, int width, int first_tile_row, int tile_rows, int phase_length,
    float *split, float *combined, float *destination, ptrdiff_t stride, const float *upcoming) {
    int row_length = 4 * phase_length, tiles_across = (width + 3) / 4;
    for (int local = 0; local < 4 * tile_rows + 2; local++) {
        int y = 4 * first_tile_row - 1 + local;
        int inside = y >= 0 && y < height;
        KERNEL(split_row)(
            inside ? plane + (ptrdiff_t)y * width : NULL, width, split + (ptrdiff_t)local * row_length, phase_length,
            inside && upcoming ? upcoming + (ptrdiff_t)y * width : NULL);
    }
    for (int band_row = 0; band_row < tile_rows; band_row++) {
        KERNEL(transform_tile_row)(
            split + (ptrdiff_t)4 * band_row * row_length, phase_length, tiles_across, combined,
            destination + (ptrdiff_t)band_row * tiles_across, stride);
    }
}

/* y with the epilogue applied; base and sum point at y's place in their maps. */
static inline __attribute__((always_inline)) uvseg_v8 KERNEL(finish8)(
    uvseg_v8 y, uvseg_epilogue_kind epilogue, const float *base, float *sum) {
    switch (epilogue) {
    case UVSEG_EPILOGUE_LEAKY_RELU:
        return KERNEL(leaky8)(y);
    case UVSEG_EPILOGUE_SUMMING:
        KERNEL(store8)(sum, KERNEL(load8)(sum) + y);
        return y;
    case UVSEG_EPILOGUE_SUMMING_BASE:
        KERNEL(store8)(sum, KERNEL(load8)(sum) + y);
        return KERNEL(load8)(base) + y;
    case UVSEG_EPILOGUE_ACTIVATED_SUM:
        y = KERNEL(leaky8)(y);
        KERNEL(store8)(sum, KERNEL(load8)(sum) + y);
        return y;
    default:
        return y;
    }
}

static inline __attribute__((always_inline)) float KERNEL(finish1)(
    float y, uvseg_epilogue_kind epilogue, const float *base, float *sum) {
    switch (epilogue) {
    case UVSEG_EPILOGUE_LEAKY_RELU:
        return y < 0.0f ? y * 0.01f : y;
    case UVSEG_EPILOGUE_SUMMING:
        *sum += y;
        return y;
    case UVSEG_EPILOGUE_SUMMING_BASE:
        *sum += y;
        return *base + y;
    case UVSEG_EPILOGUE_ACTIVATED_SUM:
        y = y < 0.0f ? y * 0.01f : y;
        *sum += y;
        return y;
    default:
        return y;
    }
}

/* A^T M A + bias for one tile row of one output channel, with one epilogue, written to rows_inside
 * rows of `width` pixels from `output`; inlined into one copy per epilogue. Tiles are taken eight
 * at a time; lanes past the last tile read whatever follows the products (never stored). */
static inline __attribute__((always_inline)) void KERNEL(output_tiles)(
    const float *m, ptrdiff_t stride, int tiles, int width, int rows_inside, float bias,
    float *output, uvseg_epilogue_kind epilogue, const float *base, float *sum, ptrdiff_t upcoming) {
    uvseg_v8 bias8 = KERNEL(splat)(bias);
    for (int t = 0; t < tiles; t += 8) {
        /* A^T down each of the six columns j: c[j][i] is row i, eight tiles per vector. */
        uvseg_v8 c[6][4];
        for (int j = 0; j < 6; j++) {
            UVSEG_OUTPUT_TRANSFORM(
                KERNEL(load8)(m + j * stride + t), KERNEL(load8)(m + (6 + j) * stride + t),
                KERNEL(load8)(m + (12 + j) * stride + t), KERNEL(load8)(m + (18 + j) * stride + t),
                KERNEL(load8)(m + (24 + j) * stride + t), KERNEL(load8)(m + (30 + j) * stride + t), c[j]);
        }
        for (int i = 0; i < rows_inside; i++) {
            /* A^T along row i: y[x] is pixel x of the eight tiles' row i. */
            uvseg_v8 y[4];
            UVSEG_OUTPUT_TRANSFORM(c[0][i], c[1][i], c[2][i], c[3][i], c[4][i], c[5][i], y);
            /* Transposed into consecutive pixels: two tiles (eight pixels) per vector. */
            uvseg_v8 lo01 = __builtin_shufflevector(y[0], y[1], 0, 8, 1, 9, 4, 12, 5, 13);
            uvseg_v8 lo23 = __builtin_shufflevector(y[2], y[3], 0, 8, 1, 9, 4, 12, 5, 13);
            uvseg_v8 hi01 = __builtin_shufflevector(y[0], y[1], 2, 10, 3, 11, 6, 14, 7, 15);
            uvseg_v8 hi23 = __builtin_shufflevector(y[2], y[3], 2, 10, 3, 11, 6, 14, 7, 15);
            uvseg_v8 pixels[4] = {
                __builtin_shufflevector(lo01, lo23, 0, 1, 8, 9, 2, 3, 10, 11),
                __builtin_shufflevector(hi01, hi23, 0, 1, 8, 9, 2, 3, 10, 11),
                __builtin_shufflevector(lo01, lo23, 4, 5, 12, 13, 6, 7, 14, 15),
                __builtin_shufflevector(hi01, hi23, 4, 5, 12, 13, 6, 7, 14, 15),
            };
            ptrdiff_t start = (ptrdiff_t)i * width + 4 * t;
            /* The upcoming channel's lines at these pixels, two per row of eight tiles: spread
             * through the loop, since a burst of prefetches would stall on the core's few
             * outstanding misses. */
            for (int line = 0; upcoming && line < 32 && 4 * t + line < width; line += 16) {
                ptrdiff_t ahead = upcoming + start + line;
                if (epilogue != UVSEG_EPILOGUE_ACTIVATED_SUM) __builtin_prefetch(output + ahead, 1);
                if (epilogue == UVSEG_EPILOGUE_SUMMING_BASE) __builtin_prefetch(base + ahead);
                if (epilogue != UVSEG_EPILOGUE_LEAKY_RELU && epilogue != UVSEG_EPILOGUE_STORE) __builtin_prefetch(sum + ahead, 1);
            }
            if (4 * (t + 8) <= width) {
                for (int q = 0; q < 4; q++) {
                    ptrdiff_t at = start + 8 * q;
                    uvseg_v8 value = KERNEL(finish8)(pixels[q] + bias8, epilogue, base + at, sum + at);
                    if (epilogue != UVSEG_EPILOGUE_ACTIVATED_SUM) KERNEL(store8)(output + at, value);
                }
            } else {
                float values[32];
                for (int q = 0; q < 4; q++) KERNEL(store8)(values + 8 * q, pixels[q] + bias8);
                for (int pixel = 0; pixel < 32 && 4 * t + pixel < width; pixel++) {
                    ptrdiff_t at = start + pixel;
                    float value = KERNEL(finish1)(values[pixel], epilogue, base + at, sum + at);
                    if (epilogue != UVSEG_EPILOGUE_ACTIVATED_SUM) output[at] = value;
                }
            }
        }
    }
}

/* output_band for one epilogue: each tile row of the band in turn. */
static inline __attribute__((always_inline)) void KERNEL(output_rows)(
    const float *m, ptrdiff_t stride, int first_tile_row, int tile_rows, int height, int width, float bias,
    float *output, uvseg_epilogue_kind epilogue, const float *base, float *sum, ptrdiff_t upcoming) {
    int tiles_across = (width + 3) / 4;
    for (int band_row = 0; band_row < tile_rows; band_row++) {
        int y = 4 * (first_tile_row + band_row);
        ptrdiff_t offset = (ptrdiff_t)y * width;
        KERNEL(output_tiles)(
            m + (ptrdiff_t)band_row * tiles_across, stride, tiles_across, width, height - y < 4 ? height - y : 4, bias,
            output + offset, epilogue, base ? base + offset : NULL, sum ? sum + offset : NULL, upcoming);
    }
}

static void KERNEL(output_band)(
    const float *m, ptrdiff_t stride, int first_tile_row, int tile_rows, int height, int width, float bias,
    float *output, uvseg_epilogue_kind epilogue, const float *base, float *sum, ptrdiff_t upcoming) {
    switch (epilogue) {
    case UVSEG_EPILOGUE_LEAKY_RELU:
        KERNEL(output_rows)(m, stride, first_tile_row, tile_rows, height, width, bias, output, UVSEG_EPILOGUE_LEAKY_RELU, base, sum, upcoming);
        break;
    case UVSEG_EPILOGUE_SUMMING:
        KERNEL(output_rows)(m, stride, first_tile_row, tile_rows, height, width, bias, output, UVSEG_EPILOGUE_SUMMING, base, sum, upcoming);
        break;
    case UVSEG_EPILOGUE_SUMMING_BASE:
        KERNEL(output_rows)(m, stride, first_tile_row, tile_rows, height, width, bias, output, UVSEG_EPILOGUE_SUMMING_BASE, base, sum, upcoming);
        break;
    case UVSEG_EPILOGUE_ACTIVATED_SUM:
        KERNEL(output_rows)(m, stride, first_tile_row, tile_rows, height, width, bias, output, UVSEG_EPILOGUE_ACTIVATED_SUM, base, sum, upcoming);
        break;
    default:
        KERNEL(output_rows)(m, stride, first_tile_row, tile_rows, height, width, bias, output, UVSEG_EPILOGUE_STORE, base, sum, upcoming);
        break;
    }
}

/* Eight floats written past the caches where p is 16-byte aligned (two four-float non-temporal
 * stores), otherwise as store8; `fence_streamed` must follow before other threads read them. */
static inline void KERNEL(stream8)(float *p, uvseg_v8 v) {
    if (((uintptr_t)p & 15) == 0) {
        __builtin_nontemporal_store(__builtin_shufflevector(v, v, 0, 1, 2, 3), (uvseg_v4 *)p);
        __builtin_nontemporal_store(__builtin_shufflevector(v, v, 4, 5, 6, 7), (uvseg_v4 *)(p + 4));
    } else {
        KERNEL(store8)(p, v);
    }
}

/* Orders the non-temporal stores before everything after: they are weakly ordered. */
static inline void KERNEL(fence_streamed)(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static void KERNEL(activate_pool_sum_plane)(const float *a, const float *b, int height, int width, float *pooled, float *sum) {
    int half = width / 2;
    for (int y = 0; y + 1 < height; y += 2) {
        ptrdiff_t top = (ptrdiff_t)y * width, bottom = top + width;
        float *target = pooled + (ptrdiff_t)(y / 2) * half;
        int x = 0;
        for (; x + 16 <= width; x += 16) {
            uvseg_v8 v[4];
            ptrdiff_t at[4] = {top + x, top + x + 8, bottom + x, bottom + x + 8};
            for (int q = 0; q < 4; q++) {
                uvseg_v8 value = KERNEL(load8)(a + at[q]);
                if (b) value += KERNEL(load8)(b + at[q]);
                v[q] = KERNEL(leaky8)(value);
                KERNEL(store8)(sum + at[q], KERNEL(load8)(sum + at[q]) + v[q]);
            }
            uvseg_v8 left = KERNEL(max8)(v[0], v[2]), right = KERNEL(max8)(v[1], v[3]);
            uvseg_v8 even = __builtin_shufflevector(left, right, 0, 2, 4, 6, 8, 10, 12, 14);
            uvseg_v8 odd = __builtin_shufflevector(left, right, 1, 3, 5, 7, 9, 11, 13, 15);
            KERNEL(stream8)(target + x / 2, KERNEL(max8)(even, odd));
        }
        for (; x + 1 < width; x += 2) {
            float v[4];
            ptrdiff_t at[4] = {top + x, top + x + 1, bottom + x, bottom + x + 1};
            for (int q = 0; q < 4; q++) {
                float value = b ? a[at[q]] + b[at[q]] : a[at[q]];
                v[q] = value < 0.0f ? value * 0.01f : value;
                sum[at[q]] += v[q];
            }
            float upper = v[1] > v[0] ? v[1] : v[0], lower = v[3] > v[2] ? v[3] : v[2];
            target[x / 2] = lower > upper ? lower : upper;
        }
    }
}

static void KERNEL(activate_pool_sum)(
    const float *a, ptrdiff_t plane, const float *b, ptrdiff_t b_channel_stride, int channels, int height, int width,
    float *pooled, ptrdiff_t pooled_plane, float *sum) {
    for (int channel = 0; channel < channels; channel++) {
        KERNEL(activate_pool_sum_plane)(
            a + channel * plane, b ? b + channel * b_channel_stride : NULL, height, width, pooled + channel * pooled_plane,
            sum + channel * plane);
    }
    KERNEL(fence_streamed)();
}

static void KERNEL(upsample_plane)(
    const float *restrict source, int input_height, int input_width, uvseg_axis_samples columns,
    uvseg_axis_samples rows, float *restrict across, float *restrict target) {
#pragma clang fp contract(off)
    int output_width = 2 * input_width;
    for (int row = 0; row < input_height; row++) {
        const float *source_row = source + (ptrdiff_t)row * input_width;
        float *across_row = across + (ptrdiff_t)row * output_width;
        int c = 0;
        /* Eight outputs at a time from eight inputs loaded at once, where their samples lie
         * within eight (at 2x, eight outputs span at most six inputs). */
        for (; input_width >= 8 && c + 8 <= output_width; c += 8) {
            int start = columns.first[c] < input_width - 8 ? columns.first[c] : input_width - 8;
            if (columns.second[c + 7] - start > 7) break;
            uvseg_v8i first, second;
            memcpy(&first, columns.first + c, sizeof first);
            memcpy(&second, columns.second + c, sizeof second);
            uvseg_v8 values = KERNEL(load8)(source_row + start);
            KERNEL(store8)(across_row + c,
                KERNEL(load8)(columns.first_weight + c) * KERNEL(permute8)(values, first - start)
                    + KERNEL(load8)(columns.second_weight + c) * KERNEL(permute8)(values, second - start));
        }
        for (; c < output_width; c++) {
            across_row[c] = columns.first_weight[c] * source_row[columns.first[c]]
                + columns.second_weight[c] * source_row[columns.second[c]];
        }
    }
    for (int row = 0; row < 2 * input_height; row++) {
        const float *top = across + (ptrdiff_t)rows.first[row] * output_width;
        const float *bottom = across + (ptrdiff_t)rows.second[row] * output_width;
        float top_weight = rows.first_weight[row], bottom_weight = rows.second_weight[row];
        float *target_row = target + (ptrdiff_t)row * output_width;
        int c = 0;
        for (; c + 8 <= output_width; c += 8) {
            KERNEL(store8)(target_row + c,
                KERNEL(splat)(top_weight) * KERNEL(load8)(top + c) + KERNEL(splat)(bottom_weight) * KERNEL(load8)(bottom + c));
        }
        for (; c < output_width; c++) target_row[c] = top_weight * top[c] + bottom_weight * bottom[c];
    }
}

/* Row p of a product's right operand: row p of a row-major matrix (offsets NULL), or the values
 * `offsets[p]` floats on from b, where an implicit im2col matrix takes its taps. */
static inline __attribute__((always_inline)) const float *KERNEL(operand_row)(
    const float *b, ptrdiff_t ldb, const int *offsets, int p) {
    return offsets ? b + offsets[p] : b + p * ldb;
}

/* The rows of one panel's product, stored or (accumulate) added to c. */
static inline __attribute__((always_inline)) void KERNEL(finish_panel)(float *c, uvseg_v8 sums, int accumulate) {
    KERNEL(store8)(c, accumulate ? KERNEL(load8)(c) + sums : sums);
}

/* c[rows x 16] = a[rows x k] b[k x 16] for one packed panel a: rows (at most 6) x 2 vectors of
 * accumulators. */
static inline __attribute__((always_inline)) void KERNEL(panel16)(
    int rows, int k, const float *a, const float *b, ptrdiff_t ldb, const int *offsets, float *c, ptrdiff_t ldc,
    int accumulate) {
    uvseg_v8 low[6] = {0}, high[6] = {0};
    for (int p = 0; p < k; p++) {
        const float *row = KERNEL(operand_row)(b, ldb, offsets, p);
        uvseg_v8 b0 = KERNEL(load8)(row), b1 = KERNEL(load8)(row + 8);
        for (int r = 0; r < rows; r++) {
            uvseg_v8 x = KERNEL(splat)(a[p * rows + r]);
            low[r] += x * b0;
            high[r] += x * b1;
        }
    }
    for (int r = 0; r < rows; r++) {
        KERNEL(finish_panel)(c + r * ldc, low[r], accumulate);
        KERNEL(finish_panel)(c + r * ldc + 8, high[r], accumulate);
    }
}

/* c[rows x 8] = a[rows x k] b[k x 8] for one packed panel a. */
static inline __attribute__((always_inline)) void KERNEL(panel8)(
    int rows, int k, const float *a, const float *b, ptrdiff_t ldb, const int *offsets, float *c, ptrdiff_t ldc,
    int accumulate) {
    uvseg_v8 sums[6] = {0};
    for (int p = 0; p < k; p++) {
        uvseg_v8 b0 = KERNEL(load8)(KERNEL(operand_row)(b, ldb, offsets, p));
        for (int r = 0; r < rows; r++) sums[r] += KERNEL(splat)(a[p * rows + r]) * b0;
    }
    for (int r = 0; r < rows; r++) KERNEL(finish_panel)(c + r * ldc, sums[r], accumulate);
}

/* Dispatches a panel over a constant row count, so that each copy keeps its sums in registers. */
#define UVSEG_DISPATCH_ROWS(panel, rows, ...)         \
    switch (rows) {                                  \
    case 1: panel(1, __VA_ARGS__); break;            \
    case 2: panel(2, __VA_ARGS__); break;            \
    case 3: panel(3, __VA_ARGS__); break;            \
    case 4: panel(4, __VA_ARGS__); break;            \
    case 5: panel(5, __VA_ARGS__); break;            \
    default: panel(6, __VA_ARGS__); break;           \
    }

/* The product of `matrix_product` or of `gathered_product` for one row of n output columns. */
static inline __attribute__((always_inline)) void KERNEL(product_columns)(
    int m, int n, int k, const float *a, const float *b, ptrdiff_t ldb, const int *offsets, float *c, ptrdiff_t ldc,
    int accumulate) {
    int j = 0;
    for (; j + 16 <= n; j += 16) {
        for (int i = 0; i < m; i += UVSEG_PANEL_ROWS) {
            int rows = m - i < UVSEG_PANEL_ROWS ? m - i : UVSEG_PANEL_ROWS;
            UVSEG_DISPATCH_ROWS(
                KERNEL(panel16), rows, k, a + (ptrdiff_t)i * k, b + j, ldb, offsets, c + (ptrdiff_t)i * ldc + j, ldc, accumulate)
        }
    }
    for (; j + 8 <= n; j += 8) {
        for (int i = 0; i < m; i += UVSEG_PANEL_ROWS) {
            int rows = m - i < UVSEG_PANEL_ROWS ? m - i : UVSEG_PANEL_ROWS;
            UVSEG_DISPATCH_ROWS(
                KERNEL(panel8), rows, k, a + (ptrdiff_t)i * k, b + j, ldb, offsets, c + (ptrdiff_t)i * ldc + j, ldc, accumulate)
        }
    }
    for (; j < n; j++) {
        for (int i = 0; i < m; i++) {
            int first = i - i % UVSEG_PANEL_ROWS, rows = m - first < UVSEG_PANEL_ROWS ? m - first : UVSEG_PANEL_ROWS;
            const float *panel = a + (ptrdiff_t)first * k;
            float sum = 0;
            for (int p = 0; p < k; p++) sum += panel[p * rows + i - first] * KERNEL(operand_row)(b, ldb, offsets, p)[j];
            c[(ptrdiff_t)i * ldc + j] = accumulate ? c[(ptrdiff_t)i * ldc + j] + sum : sum;
        }
    }
}

static void KERNEL(matrix_product)(int m, int n, int k, const float *a, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    KERNEL(product_columns)(m, n, k, a, b, ldb, NULL, c, ldc, 0);
}

static void KERNEL(gathered_product)(
    int m, int rows, int width, int k, const float *a, const float *source, ptrdiff_t source_row_stride,
    const int *offsets, float *c, ptrdiff_t ldc, int accumulate) {
    for (int row = 0; row < rows; row++) {
        KERNEL(product_columns)(
            m, width, k, a, source + (ptrdiff_t)row * source_row_stride, 0, offsets, c + (ptrdiff_t)row * width, ldc,
            accumulate);
    }
}

static const uvseg_kernels KERNEL_TABLE = {
    .transform_input_band = KERNEL(transform_input_band),
    .output_band = KERNEL(output_band),
    .activate_pool_sum = KERNEL(activate_pool_sum),
    .upsample_plane = KERNEL(upsample_plane),
    .matrix_product = KERNEL(matrix_product),
    .gathered_product = KERNEL(gathered_product),
    .name = KERNEL_NAME,
};
