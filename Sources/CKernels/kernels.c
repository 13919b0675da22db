#include "uvseg_kernels.h"

/* The eight-float vectors pass between static inline helpers only, never across an interface:
 * the baseline variant's different calling convention for them does not matter. */
#pragma clang diagnostic ignored "-Wpsabi"

/* The baseline variant: vector extensions lowered to the instruction set the library is built for. */
#define KERNEL(name) name##_baseline
#define KERNEL_TABLE uvseg_kernels_baseline
#define KERNEL_NAME "baseline"
#define KERNEL_HAS_AVX2 0
#include "kernels_template.h"
#undef KERNEL
#undef KERNEL_TABLE
#undef KERNEL_NAME
#undef KERNEL_HAS_AVX2

#if defined(__x86_64__) && defined(__clang__)
/* The AVX2 + FMA variant of the same source, chosen at run time where the CPU has both. */
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define KERNEL(name) name##_avx2
#define KERNEL_TABLE uvseg_kernels_avx2
#define KERNEL_NAME "avx2"
#define KERNEL_HAS_AVX2 1
#include "kernels_template.h"
#pragma clang attribute pop

static int cpu_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

const uvseg_kernels *uvseg_kernels_select(int prefer_wide) {
#if defined(__x86_64__) && defined(__clang__)
    if (prefer_wide && cpu_has_avx2_fma()) return &uvseg_kernels_avx2;
#endif
    (void)prefer_wide;
    return &uvseg_kernels_baseline;
}
