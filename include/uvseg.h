/*
 * uvseg.h - the C interface of libuvseg, in-context medical image segmentation.
 *
 * What it does
 * ------------
 * uvseg segments a new image from a small SUPPORT SET of labelled examples, with no training: a
 * few MRI slices outlined by an expert become the instructions for segmenting many more. The
 * network is UniverSeg (Butoi et al., ICCV 2023); uvseg computes it in-process, on the CPU, with no
 * Python, and loads the published checkpoint (.pt) or a safetensors file directly.
 *
 * Concepts
 * --------
 *   model        the network's weights, loaded once (uvs_model_load); read-only afterwards.
 *   query        a 2-D image to segment: float32, height x width, row-major, values in [0, 1].
 *   support set  S pairs (image, label) of the same height x width as the query; images in [0, 1],
 *                labels 0/1 (or soft labels in [0, 1]) marking the structure to segment.
 *   logits       the output: one float per query pixel; probability = 1 / (1 + exp(-logit)), and
 *                a pixel is foreground where its logit > 0.
 *   volume       a 3-D image read from or written to a NIfTI file, with its place in the world.
 *
 * The network is 2-D: volumes are segmented slice by slice (see "Volume segmentation").
 * Results depend on the support set: choose support slices like the query (same modality,
 * orientation and anatomy), and validate locally, with an expert checking outputs, before any use.
 * uvseg is research software; it is not a medical device.
 *
 * Simplest use
 * ------------
 *     uvs_model *model;
 *     if (uvs_model_load("universeg_v1_nf64_ss64_STA.pt", &model) != UVS_OK)
 *         fprintf(stderr, "uvseg: %s\n", uvs_last_error());
 *     uvs_predict(model, query, 1, support_images, support_labels, 16, 128, 128, logits);
 *     uvs_model_free(model);
 *
 * Error model (the same for every function)
 * -----------------------------------------
 * A function that can fail returns a uvs_status: UVS_OK (0) on success, a positive code otherwise.
 * On failure uvs_last_error() describes what went wrong for a person, and nothing the caller owns
 * has been changed except where a function documents otherwise (output buffers may be partly
 * written when a computation fails midway; output handles stay untouched). Bad arguments are
 * reported as UVS_ERROR_INVALID_ARGUMENT, never as a crash; the one thing the library cannot check
 * is a pointer that is non-NULL but wrong (a freed handle, a buffer shorter than documented).
 *
 * Untrusted input
 * ---------------
 * Checkpoints and NIfTI headers may be hostile. Checkpoints are read without executing anything:
 * a .pt file is a pickle, and uvseg interprets only the few operations a tensor dictionary needs,
 * refusing every other global or callable (UVS_ERROR_UNSUPPORTED). Sizes read from files are
 * checked against the file and against a memory limit before anything is allocated.
 *
 * Threads
 * -------
 * Every function may be called from any thread. uvs_last_error() is per thread. Objects say in
 * their section whether they may be shared between threads.
 *
 * Arrays
 * ------
 * Images are float32, row-major: element (q, y, x) of a [n][height][width] array is at
 * index (q * height + y) * width + x. The caller owns every array it passes and every array it
 * receives into; the library never keeps a pointer to them after the call returns.
 */
#ifndef UVSEG_H
#define UVSEG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==== Version ================================================================================= */

/*
 * The version of this header. Compare with uvs_version_number() to detect a mismatched library.
 *
 * ABI policy. The shared library is libuvseg.so.MAJOR.MINOR.PATCH with the SONAME
 * libuvseg.so.MAJOR, the name programs record and load. From 1.0 on, MAJOR (and so the SONAME)
 * changes whenever a release breaks the ABI; MINOR releases only add functions and options, and
 * PATCH releases only fix. Before 1.0 the SONAME is libuvseg.so.0 throughout, but a MINOR release
 * may change the interface: rebuild against each new 0.MINOR (the CMake package accepts only the
 * same 0.MINOR, and uvs_version_number() tells a program which library it got).
 *
 * These three macros are the one place the version is written: the library, the command, the
 * SONAME, the Python packages and the install files all take it from here.
 */
#define UVS_VERSION_MAJOR 0
#define UVS_VERSION_MINOR 1
#define UVS_VERSION_PATCH 0
#define UVS_VERSION_NUMBER (UVS_VERSION_MAJOR * 10000 + UVS_VERSION_MINOR * 100 + UVS_VERSION_PATCH)

/* The loaded library's version as "MAJOR.MINOR.PATCH". Static storage; never NULL. */
const char *uvs_version(void);

/* The loaded library's version as MAJOR * 10000 + MINOR * 100 + PATCH (UVS_VERSION_NUMBER). */
int32_t uvs_version_number(void);

/* ==== Status and errors ======================================================================= */

/* What a function returned. The values are part of the ABI and never change meaning. */
typedef enum uvs_status {
    UVS_OK = 0,
    UVS_ERROR_INVALID_ARGUMENT = 1, /* NULL where a pointer is required, a bad size or option     */
    UVS_ERROR_IO = 2,               /* a file could not be opened, read, written or renamed        */
    UVS_ERROR_BAD_FORMAT = 3,       /* a file is damaged or not what it claims to be               */
    UVS_ERROR_UNSUPPORTED = 4,      /* well-formed, but not something uvseg handles                */
    UVS_ERROR_OUT_OF_MEMORY = 5,    /* the work needs more memory than the library allows or gets */
    UVS_ERROR_CANCELLED = 6         /* a progress callback asked to stop                           */
} uvs_status;

/*
 * A sentence describing the last failure on the calling thread ("" if none yet).
 * The text stays valid until the next failing uvseg call on the same thread; copy it to keep it.
 * Successful calls do not clear it.
 */
const char *uvs_last_error(void);

/* The enumerator's name of a status ("UVS_ERROR_IO"), or "UVS_ERROR_UNKNOWN_STATUS". Never NULL. */
const char *uvs_status_name(int status);

/* ==== Models ================================================================================== */

/*
 * A loaded network. Immutable once loaded: one model may be used by many threads at once.
 */
typedef struct uvs_model uvs_model;

/*
 * Loads a model from a checkpoint file: a PyTorch state_dict saved with torch.save (.pt, zip
 * format, as the UniverSeg authors publish it) or a safetensors file. The format is recognised
 * from the file's first bytes, not its name. The network's depth and widths are inferred from the
 * tensors' names and shapes; float16, bfloat16 and float64 tensors are converted to float32.
 *
 * The path must name a regular file: a folder, a FIFO or a device is refused at once
 * (UVS_ERROR_IO), without waiting for a FIFO's writer.
 *
 * On success *out_model receives a new model the caller frees with uvs_model_free().
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL path or out_model), UVS_ERROR_IO (cannot read, not a
 * regular file),
 * UVS_ERROR_BAD_FORMAT (damaged file; tensors missing, unexpected or mis-shaped, named in the
 * message; safetensors data ranges that overlap or leave bytes uncovered), UVS_ERROR_UNSUPPORTED
 * (a pickle that refers to anything but tensors, an unknown dtype, more than 11 encoder blocks: a
 * deeper network's size multiple would exceed 1024, the largest input size), UVS_ERROR_OUT_OF_MEMORY
 * (reading takes memory in proportion to the file, at most 64 MiB plus 8 bytes per byte of it and
 * 4 GiB in all; a file that asks for more, such as a pickle that copies a list over and over, is
 * refused before the memory is taken). *out_model is left untouched on failure.
 */
uvs_status uvs_model_load(const char *path, uvs_model **out_model);

/*
 * Loads the default model built into the library: a small network of the same architecture that
 * the uvseg project trained on generated tasks only (models/MODEL_CARD.md in the source tree says
 * how, and how well it does). It needs no file and works out of the box, and is far weaker than
 * the published UniverSeg weights: use those for real work. Not for clinical use.
 * On success *out_model receives a new model the caller frees with uvs_model_free().
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL out_model), UVS_ERROR_OUT_OF_MEMORY.
 */
uvs_status uvs_model_load_default(uvs_model **out_model);

/* Frees a model. NULL is allowed and does nothing. No call may be using the model. */
void uvs_model_free(uvs_model *model);

/*
 * The number H and W must be multiples of for this model: 2^(L-1) for L encoder blocks (8 for the
 * published model). Returns 0 if model is NULL.
 */
int32_t uvs_model_size_multiple(const uvs_model *model);

/* ==== Prediction: one call ==================================================================== */

/*
 * Segments n_query query images with one support set of n_support (image, label) pairs.
 *
 *   query           [n_query][height][width] float32, values expected in [0, 1]
 *   support_images  [n_support][height][width] float32, values expected in [0, 1]
 *   support_labels  [n_support][height][width] float32, values in [0, 1]
 *   out_logits      [n_query][height][width] float32, written by the call
 *
 * n_query >= 1, n_support >= 1 (there is no upper bound; the published model was trained with up
 * to 64), height and width >= 1 and multiples of uvs_model_size_multiple(model) (the published
 * model was trained at 128 x 128). Every query is segmented with the same support set, so passing
 * all slices of a volume in one call shares the support set's work between them.
 * Every input value must be a finite number: a NaN or infinite value is refused, with a message
 * naming the array, the index, and the image, row and column it falls on.
 *
 * Thread safety: many threads may predict with one model at once; each call uses its own memory.
 * Memory: a model keeps the working memory its calls give back, for its next calls (a series of
 * calls then skips mapping and faulting in fresh pages), until uvs_model_free(); when no call is
 * running, it holds about what its last calls used (a call of other sizes runs beside what the
 * last calls left, which it releases when it ends).
 * Each call computes on every core; uvs_predict_with_options() takes a thread count through
 * uvs_options_set_threads(), as the volume calls do (the result does not depend on it). The
 * result does depend, in the
 * last bits, on whether the CPU has AVX2 and FMA: the library picks its vector kernels at run time.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, count < 1, size not a multiple, a NaN or
 * infinite input value), UVS_ERROR_OUT_OF_MEMORY (the working memory needed exceeds the library's
 * limit).
 */
uvs_status uvs_predict(const uvs_model *model,
                       const float *query, int32_t n_query,
                       const float *support_images, const float *support_labels,
                       int32_t n_support,
                       int32_t height, int32_t width,
                       float *out_logits);

/* ==== Options ================================================================================= */

/*
 * Settings for the calls that take them (volume segmentation, validation). Options that later
 * versions add get setters of their own, so programs compiled against this header keep working.
 * A fresh object holds the documented defaults. An options object is used by one thread at a time;
 * calls only read it, so it may be reused for many calls.
 */
typedef struct uvs_options uvs_options;

/*
 * Reports progress of a long call: fraction done in [0, 1] (non-decreasing) and a short stage
 * name ("preparing", "segmenting", ...; valid during the callback only). Called on the thread
 * that made the call. Return 0 to go on, non-zero to cancel: the call then stops soon, returns
 * UVS_ERROR_CANCELLED and writes nothing.
 */
typedef int (*uvs_progress_fn)(double fraction, const char *stage, void *user_data);

/* Creates an options object holding the defaults. Free it with uvs_options_free(). */
uvs_status uvs_options_create(uvs_options **out_options);

/* Frees an options object. NULL is allowed and does nothing. */
void uvs_options_free(uvs_options *options);

/*
 * Sets the progress callback and the pointer passed back to it (NULL callback: no progress,
 * the default). The library does not own user_data.
 */
uvs_status uvs_options_set_progress(uvs_options *options, uvs_progress_fn callback, void *user_data);

/*
 * Volume segmentation settings (uvs_segment_volume, uvs_validate). Each setter checks its value and
 * returns UVS_ERROR_INVALID_ARGUMENT (options unchanged) for one out of range or a NULL options.
 */

/*
 * The anatomical plane(s) slices are cut along; found from the volumes' affines, not array axes.
 * Several planes are segmented each on its own, their probabilities averaged on the query's grid.
 */
typedef enum uvs_plane {
    UVS_PLANE_AXIAL = 0,
    UVS_PLANE_CORONAL = 1,
    UVS_PLANE_SAGITTAL = 2,
    UVS_PLANE_ALL = 3,      /* all three */
    UVS_PLANE_AUTO = 4      /* the default: every plane in which the query's and support volumes'
                               pixels are at most twice as long as wide (all three for near-isotropic
                               scans, the acquisition plane for thick slices); if none, the plane
                               with the squarest pixels */
} uvs_plane;
uvs_status uvs_options_set_plane(uvs_options *options, int32_t plane);

/* How support slices are chosen for each query slice. */
typedef enum uvs_strategy {
    UVS_STRATEGY_POSITION = 0, /* the query slice's relative position along the plane's normal,
                                  nearest slices of each labelled volume in turn */
    UVS_STRATEGY_RANDOM = 1,   /* random (seeded), one set for all slices of the query */
    UVS_STRATEGY_SIMILAR = 2   /* the default: best correlated with the query slice (any contrast) */
} uvs_strategy;
uvs_status uvs_options_set_strategy(uvs_options *options, int32_t strategy);

/*
 * How support volumes are brought onto the query before anything else. Aligned support volumes
 * are registered to the query (rigid then affine, multi-resolution, on the correlation ratio, so
 * scans of different contrast align; started from the centres of mass; each volume placed by its
 * own affine, so grids, voxel sizes and storage orientations may differ) and resampled onto the
 * query's grid: images linearly, labels per label then arg-max. uvs_segmentation_alignment()
 * reports how well each one lined up.
 */
typedef enum uvs_alignment {
    UVS_ALIGN_NONE = 0,      /* used as stored; slices paired by relative position (strategy) */
    UVS_ALIGN_AFFINE = 1,    /* rigid, then affine (12 parameters) */
    UVS_ALIGN_DEFORMABLE = 2 /* the default: affine, then demons (Gaussian-regularised, a fixed
                                number of iterations, so results do not depend on the machine) */
} uvs_alignment;
uvs_status uvs_options_set_alignment(uvs_options *options, int32_t alignment);

/* What produces the probabilities. */
typedef enum uvs_method {
    UVS_METHOD_NETWORK = 0, /* the in-context network, slice by slice, from support slices (of
                               the aligned volumes when aligned) */
    UVS_METHOD_ATLAS = 1,   /* atlas propagation; each support volume's labels carried onto the
                               query (through its alignment, or by world coordinates with
                               UVS_ALIGN_NONE) as per-label shares, fused over the support
                               volumes (uvs_options_set_fusion) */
    UVS_METHOD_FUSED = 2    /* the default: the mean of the network's and the atlas's
                               probabilities */
} uvs_method;
uvs_status uvs_options_set_method(uvs_options *options, int32_t method);

/* How atlas propagation combines the labels of several support volumes. */
typedef enum uvs_fusion {
    UVS_FUSION_MAJORITY = 0, /* the same say each */
    UVS_FUSION_LOCAL = 1     /* the default: each volume's say at a voxel is its local normalised
                                cross-correlation with the query (3 mm Gaussian window), squared,
                                negative counting as none */
} uvs_fusion;
uvs_status uvs_options_set_fusion(uvs_options *options, int32_t fusion);

/* Most slices per support set, >= 1 [16; the published model was trained with up to 64]. */
uvs_status uvs_options_set_support_size(uvs_options *options, int32_t size);

/* Largest share of a support set made of slices without the label, in [0, 1) [0.25]. */
uvs_status uvs_options_set_empty_share(uvs_options *options, double share);

/* Support sets per slice, drawn with different seeds, probabilities averaged; >= 1 [1]. */
uvs_status uvs_options_set_ensemble(uvs_options *options, int32_t members);

/* 1: also segment every slice mirrored left to right (query and support) and average [0]. */
uvs_status uvs_options_set_flip_augmentation(uvs_options *options, int32_t enabled);

/*
 * The labels to segment, each its own binary problem, from 1 to 2^24 (copied); n_labels == 0
 * restores the default: every label the support label maps hold (at most 255).
 */
uvs_status uvs_options_set_labels(uvs_options *options, const int32_t *labels, int32_t n_labels);

/* 1: keep only the largest connected component (26-connected) of each label [0]. */
uvs_status uvs_options_set_largest_component(uvs_options *options, int32_t enabled);

/* 1: fill holes enclosed by one label (see uvs_labels_fill_holes) [0]. */
uvs_status uvs_options_set_fill_holes(uvs_options *options, int32_t enabled);

/* Seed of every random choice; equal seeds and inputs give equal results [0]. */
uvs_status uvs_options_set_seed(uvs_options *options, uint64_t seed);

/*
 * Intensity preparation of query and support volumes (NaN and infinite voxels count as 0 first):
 * clip to the lower/upper percentiles (0 <= lower < upper <= 100) then scale to [0, 1]
 * [0.5, 99.5]; or, for CT, clip to the window level +- width / 2 in HU (width > 0) and scale.
 * The last call of the two decides.
 */
uvs_status uvs_options_set_percentiles(uvs_options *options, double lower, double upper);
uvs_status uvs_options_set_ct_window(uvs_options *options, double level, double width);

/*
 * 1: first divide each volume (query and support alike) by its estimated bias field, the smooth
 * multiplicative intensity non-uniformity of MR coils: log intensities are classified into three
 * tissue classes (k-means) and what the classes leave unexplained is smoothed (Gaussian, 30 mm)
 * on a grid of about 4 mm, in six rounds [1]. Never with a CT window. Alignment, the atlas's
 * fusion weights and the network all read the corrected volumes.
 */
uvs_status uvs_options_set_bias_correction(uvs_options *options, int32_t enabled);

/*
 * 1: refine the probabilities with the query's own intensities [1]. They become the prior of an
 * intensity model of this query: each class (background, each label) gets a histogram of the
 * query's intensities (with bias correction, its field removed completely first; then prepared as
 * for the network: 64 bins over [0, 1], Gaussian-smoothed), weighted by its current
 * posterior and taken within 2 voxels (face steps) of where some label's probability is above
 * 0.5; each voxel's posterior is its prior times the likelihood to the power 0.3, in 3 rounds
 * (expectation-maximisation). The labels' returned probabilities are these posteriors, and each
 * voxel gets the most probable of background (1 minus their sum) and the labels. It places
 * borders between tissues of close intensity more exactly. 0: each voxel gets the label whose
 * probability is highest and above 0.5.
 */
uvs_status uvs_options_set_intensity_refinement(uvs_options *options, int32_t enabled);

/*
 * The square size slices are scaled to for the network: 1 to 1024 and a multiple of
 * uvs_model_size_multiple(), or 0 [the default] for the model's own size: the one its checkpoint
 * declares in the safetensors metadata "uvseg.input_size", else 128 (the published model's).
 */
uvs_status uvs_options_set_input_size(uvs_options *options, int32_t size);

/* Threads of each prediction and of alignment, 1 to 1024 [every core]. Results do not depend on
 * it. The library owns these cores: it sets OpenBLAS to one thread for the process. */
uvs_status uvs_options_set_threads(uvs_options *options, int32_t threads);

/*
 * Segmentations uvs_validate runs at once, 1 to 1024 [1]: each on a thread of its own, with its
 * share of the threads (at least one) and of the model's memory limit, so that together they keep
 * within one's bounds. The report does not depend on it. With more than one, the progress callback
 * is called from those threads (one call at a time) and only as segmentations finish.
 * uvs_segment_volume does not use it.
 */
uvs_status uvs_options_set_jobs(uvs_options *options, int32_t jobs);

/*
 * uvs_predict with options (NULL for the defaults), of which it uses the thread count
 * (uvs_options_set_threads); everything else is as uvs_predict says.
 */
uvs_status uvs_predict_with_options(const uvs_model *model,
                                    const float *query, int32_t n_query,
                                    const float *support_images, const float *support_labels,
                                    int32_t n_support,
                                    int32_t height, int32_t width,
                                    const uvs_options *options,
                                    float *out_logits);

/* ---- Volumes ---- */

/*
 * A 3-D image on a voxel grid placed in the world, read from a NIfTI file (.nii, .nii.gz,
 * .hdr/.img; NIfTI-1 or -2; either byte order; any integer or float datatype) or made from a
 * caller's buffer on the grid of another volume. Voxels are float32, the i axis fastest: voxel
 * (i, j, k) is at index i + di * (j + dj * k) for dims (di, dj, dk). A volume is immutable: one
 * volume may be read by many threads at once. Free it with uvs_volume_free().
 *
 * Untrusted files: header dims may be hostile. The library checks them before allocating anything
 * and refuses a volume above 4 GiB of float32 voxels (UVS_ERROR_OUT_OF_MEMORY), zero or negative
 * dims, data that end before the header says (UVS_ERROR_BAD_FORMAT; a .nii.gz is checked as far as
 * it is read), a .hdr without its .img (UVS_ERROR_IO), and complex, RGB and float128 data
 * (UVS_ERROR_UNSUPPORTED). NaN and infinite voxels are kept as they are.
 */
typedef struct uvs_volume uvs_volume;

/*
 * Reads volume volume_index of a NIfTI file: 0 for a 3-D file, 0 .. count-1 for a 4-D (or higher)
 * one, where count is the product of dims 4 to 7 (see uvs_volume_count_in_file). Values are
 * scaled by scl_slope/scl_inter as the standard says (not when the slope is 0 or not finite).
 * The grid's affine is the one nibabel gives (sform if its code is not 0, else qform if its code
 * is not 0, else pixdim); every geometry field of the header is kept for writing results back.
 *
 * The header and image files must be regular files: a folder, a FIFO or a device, also one met
 * while looking for x.nii, x.hdr or x.img, is refused at once (UVS_ERROR_IO), without waiting for
 * a FIFO's writer. The voxel memory is allocated once, at the size the header gives, so a small
 * .nii.gz that decompresses to a huge volume costs no more than its header says; when the system
 * will not give that memory (a host's address-space limit, say) the call returns
 * UVS_ERROR_OUT_OF_MEMORY, naming the volume and the size.
 *
 * On success *out_volume receives a new volume the caller frees with uvs_volume_free().
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL path or out_volume, volume_index out of range),
 * UVS_ERROR_IO (no such file, unreadable, not a regular file), UVS_ERROR_BAD_FORMAT (not NIfTI,
 * damaged header, truncated data, corrupt gzip), UVS_ERROR_UNSUPPORTED, UVS_ERROR_OUT_OF_MEMORY
 * (see above).
 * *out_volume is left untouched on failure.
 */
uvs_status uvs_volume_read(const char *path, int64_t volume_index, uvs_volume **out_volume);

/*
 * The number of 3-D volumes in a NIfTI file (1 for a 3-D file), from its header alone.
 * Errors: as uvs_volume_read.
 */
uvs_status uvs_volume_count_in_file(const char *path, int64_t *out_count);

/*
 * Makes a volume from voxel_count floats (copied) on the grid of reference: same dims and
 * geometry, so it can be written as a result that overlays the reference. voxel_count must equal
 * the reference's voxel count. The caller keeps ownership of voxels.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, wrong voxel_count). *out_volume is left
 * untouched on failure.
 */
uvs_status uvs_volume_create(const uvs_volume *reference, const float *voxels, int64_t voxel_count,
                             uvs_volume **out_volume);

/* Frees a volume. NULL is allowed and does nothing. */
void uvs_volume_free(uvs_volume *volume);

/* The grid size along i, j, k into out_dims[3]. Errors: UVS_ERROR_INVALID_ARGUMENT (NULL). */
uvs_status uvs_volume_dims(const uvs_volume *volume, int64_t out_dims[3]);

/* The number of voxels (di * dj * dk); 0 if volume is NULL. */
int64_t uvs_volume_voxel_count(const uvs_volume *volume);

/*
 * The voxel size in mm along i, j, k into out_spacing[3]: the lengths of the affine's first
 * three columns. Errors: UVS_ERROR_INVALID_ARGUMENT (NULL).
 */
uvs_status uvs_volume_spacing(const uvs_volume *volume, double out_spacing[3]);

/*
 * The voxel-to-world matrix into out_affine[16], row-major: world (x, y, z) in mm, RAS+ (x to the
 * right, y to the front, z up), of voxel (i, j, k) is out_affine * (i, j, k, 1).
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL).
 */
uvs_status uvs_volume_affine(const uvs_volume *volume, double out_affine[16]);

/*
 * The anatomical direction of each array axis as a NUL-terminated string in out_codes[4], as
 * nibabel's aff2axcodes gives it: "RAS" when i runs to the right, j to the front, k up; "LPS",
 * "LAS", ... otherwise; '?' for an axis the affine gives no direction.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL, or an affine that is not finite).
 */
uvs_status uvs_volume_axis_codes(const uvs_volume *volume, char out_codes[4]);

/*
 * Copies the voxels into the caller's out_voxels, which holds capacity floats; capacity must be
 * at least uvs_volume_voxel_count(volume). Errors: UVS_ERROR_INVALID_ARGUMENT (NULL, capacity too
 * small; nothing is written then).
 */
uvs_status uvs_volume_copy_data(const uvs_volume *volume, float *out_voxels, int64_t capacity);

/*
 * Writes a label map on the grid of reference to path (.nii, or .nii.gz to compress). labels holds
 * voxel_count values (the reference's voxel count), each a whole number from 0 to 65535; the file
 * stores them as uint8 when all are at most 255, else as uint16. The file carries the reference's
 * geometry unchanged (qform and sform with their codes, pixdim, units) and its NIfTI version, so
 * viewers overlay it on the reference exactly.
 *
 * The write is atomic: the data go to a hidden temporary file in the same folder (its name
 * shortened as needed to fit the file system's limit) that is renamed to path only when complete.
 * On any error no file is left behind and an existing file at path is untouched. A new file gets
 * the mode the process's umask gives a new file; a replaced file keeps its permission bits, so a
 * private result stays private. An existing path the process may not write is refused
 * (UVS_ERROR_IO), not replaced. A path that names the file the reference was read from by
 * uvs_volume_read, or for a volume of a segmentation the file its query was read from (however it
 * is spelled: links and relative paths are followed), is refused, so a scan is never replaced by
 * its segmentation; the caller's other inputs cannot be known here and
 * are the caller's to guard. Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, wrong voxel_count,
 * a value that is not a whole number in range, a name not ending in .nii or .nii.gz, path is the
 * reference's own file),
 * UVS_ERROR_IO.
 */
uvs_status uvs_volume_write_label_map(const uvs_volume *reference, const float *labels,
                                      int64_t voxel_count, const char *path);

/*
 * Writes n_maps float32 probability maps on the grid of reference to path, as uvs_volume_write_
 * label_map does: maps is [n_maps][voxels_per_map] with voxels_per_map the reference's voxel
 * count; one map gives a 3-D file, several a 4-D file with one volume per map, in order.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, n_maps < 1, wrong voxels_per_map, bad name,
 * path is the reference's own file), UVS_ERROR_IO. Atomic, with modes and refusals, as above.
 */
uvs_status uvs_volume_write_probability_maps(const uvs_volume *reference, const float *maps,
                                             int32_t n_maps, int64_t voxels_per_map,
                                             const char *path);

/* ---- Volume segmentation ---- */

/*
 * Segments a 3-D query volume from labelled support volumes (see the options above):
 *   1. every input is checked before any work (see Errors); with percentiles, the query and
 *      support images are divided by their estimated bias field (uvs_options_set_bias_correction)
 *      before anything below reads them;
 *   2. with an alignment, each support volume is registered to the query and resampled onto its
 *      grid (uvs_options_set_alignment); a label no aligned support volume still shows lies
 *      outside the query's field of view and gets probability 0;
 *   3. atlas propagation (UVS_METHOD_ATLAS, UVS_METHOD_FUSED): each label's shares carried from
 *      the support volumes are fused into its probability (uvs_options_set_fusion);
 *   4. the network (UVS_METHOD_NETWORK, UVS_METHOD_FUSED), slice by slice along an anatomical
 *      plane: intensities are prepared per volume (NaN and infinite voxels of the images count as
 *      0, see uvs_options_set_percentiles); query and support are reoriented to RAS+ (exactly, by
 *      permuting and flipping axes), so they may be stored in different orientations; each slice
 *      is scaled onto the network's square input keeping its physical aspect ratio, at one scale
 *      for query and support (the longest slice side among them, in mm, spans the square;
 *      bilinear, low-pass when shrinking, as PIL; the rest of the square padded with 0; labels by
 *      nearest neighbour), and probabilities come back bilinearly to the native slice; for each
 *      label and query slice a support set is chosen (strategy, size, empty share) and the network
 *      run, per ensemble member and mirrored if asked; probabilities are averaged, then over planes;
 *   5. with UVS_METHOD_FUSED the two probabilities are averaged; they are refined with the
 *      query's intensities (uvs_options_set_intensity_refinement) and each voxel gets the most
 *      probable of background and the labels (without refinement: the label whose probability is
 *      highest and above 0.5, else 0); then the optional post-processing.
 *
 *   query           the volume to segment
 *   support_images  n_support volumes, support_labels[i] the label map of support_images[i] (whole
 *                   numbers 0 .. 2^24, on the same grid)
 *   options         NULL for the defaults
 *
 * On success *out_result receives a new segmentation the caller frees with uvs_segmentation_free();
 * its outputs lie on the query's grid with the query's header fields, ready for
 * uvs_volume_write_label_map / uvs_volume_write_probability_maps with the query as reference.
 *
 * The progress callback (uvs_options_set_progress) is called between units of work with stages
 * "preparing", "aligning", "segmenting" and "combining"; a non-zero return stops the call with
 * UVS_ERROR_CANCELLED and nothing is returned.
 * Thread safety: the model and volumes are only read; options must not change during the call.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, n_support < 1, a label map off its image's grid
 * or with non-label values, a label to segment that no support volume holds, support without any
 * foreground, an input size the model cannot take, a support volume that cannot be aligned (the
 * message says which and why: constant, non-finite voxels, voxel sides of query and support more
 * than 1000 times apart)), UVS_ERROR_BAD_FORMAT (an affine that gives an axis no direction),
 * UVS_ERROR_OUT_OF_MEMORY (the call would need more than the model's memory limit of 4 GiB,
 * shared by every structure the inputs size (prepared volumes, support pool, canvases, per-label
 * probabilities, bias-corrected copies) and the network's working memory; checked in step 1, the message names what
 * would not fit and its size), UVS_ERROR_CANCELLED. *out_result is left untouched on failure.
 */
typedef struct uvs_segmentation uvs_segmentation;

uvs_status uvs_segment_volume(const uvs_model *model, const uvs_volume *query,
                              const uvs_volume *const *support_images,
                              const uvs_volume *const *support_labels, int32_t n_support,
                              const uvs_options *options, uvs_segmentation **out_result);

/* Frees a segmentation. NULL is allowed and does nothing. Volumes taken from it stay valid. */
void uvs_segmentation_free(uvs_segmentation *result);

/* The label map as a new volume (free it with uvs_volume_free()). Errors: NULL pointer. */
uvs_status uvs_segmentation_label_map(const uvs_segmentation *result, uvs_volume **out_labels);

/* How many labels were segmented (one probability volume each); 0 if result is NULL. */
int32_t uvs_segmentation_label_count(const uvs_segmentation *result);

/*
 * The label value and the float32 probability volume of segmented label number index (0 ..
 * count - 1, ascending label values), as a new volume (free it with uvs_volume_free()).
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, index out of range).
 */
uvs_status uvs_segmentation_probabilities(const uvs_segmentation *result, int32_t index,
                                          int32_t *out_label, uvs_volume **out_probabilities);

/* How many support volumes were aligned: n_support with an alignment, else 0; 0 if result is NULL. */
int32_t uvs_segmentation_alignment_count(const uvs_segmentation *result);

/*
 * How well aligned support volume number index (0 .. count - 1, the support order) lined up with
 * the query: the correlation ratio, in [0, 1], of its image carried onto the query's grid given the
 * query, after the affine step and after the whole alignment. Below about 0.5 for two scans of one
 * kind the volumes did not line up: warn the user, the result is likely wrong. A higher value does
 * not prove they did (an unrelated smooth image can reach 0.7): an expert checks the result.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, index out of range).
 */
uvs_status uvs_segmentation_alignment(const uvs_segmentation *result, int32_t index,
                                      double *out_affine_similarity, double *out_similarity);

/*
 * Local validation: measures the model on the caller's own labelled cases before it is trusted
 * with new ones (leave-one-out). For each support size in turn, each case is segmented as
 * uvs_segment_volume would, with support drawn only from the other cases, and compared with its
 * own labels as uvs_evaluate does; the results are summarised per support size and label.
 *
 *   images, labels  n_cases >= 2 volumes each, labels[i] the label map of images[i] (whole numbers
 *                   0 .. 2^24, on the same grid)
 *   support_sizes   n_sizes >= 1 support sizes, each >= 1 (e.g. {4, 8, 16, 32, 64}); they replace
 *                   the options' support size
 *   options         NULL for the defaults; unless labels are set, every label of any case is
 *                   segmented and measured in every case
 *
 * Every input is checked before any segmentation starts, every fold included (a label that only
 * one case holds is an error: with that case held out no support shows it), and so is the memory
 * of every fold at the largest support size (as uvs_segment_volume's). The work is
 * n_sizes * n_cases segmentations.
 *
 * On success *out_validation receives a new validation the caller frees with
 * uvs_validation_free(). The progress callback is called as by uvs_segment_volume, with the
 * stage "validating" after each case; a non-zero return stops the call with UVS_ERROR_CANCELLED
 * and nothing is returned. uvs_options_set_jobs() runs several segmentations at once; the first
 * failure among them is the call's error.
 * Thread safety: the model and volumes are only read; options must not change during the call.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer or array entry, n_cases < 2, n_sizes < 1, a
 * support size < 1, and the input errors of uvs_segment_volume; the message names the argument,
 * or the held-out case), UVS_ERROR_BAD_FORMAT, UVS_ERROR_OUT_OF_MEMORY, UVS_ERROR_CANCELLED.
 * *out_validation is left untouched on failure.
 */
typedef struct uvs_validation uvs_validation;

uvs_status uvs_validate(const uvs_model *model, const uvs_volume *const *images,
                        const uvs_volume *const *labels, int32_t n_cases,
                        const int32_t *support_sizes, int32_t n_sizes, const uvs_options *options,
                        uvs_validation **out_validation);

/* Frees a validation. NULL is allowed and does nothing. */
void uvs_validation_free(uvs_validation *validation);

/*
 * The whole report as one JSON object (UTF-8, NUL-terminated), the one `uvseg validate --json`
 * prints; the text belongs to the validation and stays valid until uvs_validation_free(). Cases
 * are numbered from 1: case n is images[n - 1]. Keys come in this order:
 *   {"cases": [{"case": 1, "support_size": 4, "support_cases": [2, 3, ...],
 *               "metrics": {"labels": {"1": {"dice": ..., "iou": ..., "hd95_mm": ..., "assd_mm": ...,
 *                                            "volume_pred_ml": ..., "volume_truth_ml": ...}, ...},
 *                           "mean_dice": ...}}, ...],
 *    "summary": [{"support_size": 4, "label": 1, "cases": 3,
 *                 "dice": {"mean": ..., "sd": ..., "n": ...}, "iou": {...}, "hd95_mm": {...},
 *                 "assd_mm": {...}}, ...]}
 * "cases" is ordered by support size (as given), then case; "summary" by support size, then label.
 * Metrics are those of uvs_metrics; an infinite distance (a label missed, or found where there is
 * none) is null. In the summary "sd" is the sample standard deviation (n - 1), and mean and sd are
 * over the "n" finite values of "cases" (null when none is finite). The command adds to each case
 * "files", the IMAGE:LABELS it was given; volumes passed here have no file names, so the key is
 * absent. Returns NULL if validation is NULL.
 */
const char *uvs_validation_json(const uvs_validation *validation);

/*
 * The mean Dice over the cases of one support size (one of support_sizes) and one label (one
 * that was segmented) into *out_mean, the "summary" entry's dice mean in the JSON.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer; a support size or label the validation does
 * not hold, the message listing those it holds). *out_mean is left untouched on failure.
 */
uvs_status uvs_validation_mean_dice(const uvs_validation *validation, int32_t support_size,
                                    int32_t label, double *out_mean);

/* ---- Metrics ---- */

/*
 * Label maps are volumes whose voxels hold whole numbers from 0 (background) to 16777216 (2^24,
 * the largest whole number float32 holds exactly); the functions below refuse any other value
 * (a fraction, a negative number, NaN) with UVS_ERROR_INVALID_ARGUMENT naming the voxel.
 */

/*
 * How well a predicted segmentation of one label agrees with the truth, filled in by uvs_evaluate.
 * Distances are in mm between voxel centres, with the voxel spacing honoured; a surface voxel is a
 * voxel of the label with at least one of its 6 face neighbours outside the label or the grid.
 * The symmetric distances pool both directed sets (each surface voxel of the prediction to the
 * nearest of the truth's surface, and the reverse) and summarise the pool.
 *
 * Edge cases: a label in neither map gives dice = iou = 1 and distances 0; a label in only one
 * map gives dice = iou = 0 and distances INFINITY (there is no surface to measure to).
 *
 * The struct starts with its own size so later versions can append fields without breaking
 * programs built against this header: set struct_size = sizeof(uvs_metrics) before the call;
 * the library writes only the fields that fit in struct_size bytes.
 */
typedef struct uvs_metrics {
    uint64_t struct_size; /* set by the caller: sizeof(uvs_metrics)                                */
    double dice;          /* Dice coefficient 2|P & T| / (|P| + |T|), in [0, 1]                    */
    double iou;           /* intersection over union (Jaccard) |P & T| / |P | T|, in [0, 1]        */
    double hd95_mm;       /* 95th percentile of the pooled surface distances (MedPy's hd95), with  */
                          /* linear interpolation between ranks as numpy.percentile               */
    double assd_mm;       /* average symmetric surface distance: mean of the pooled distances      */
    double volume_pred_ml;  /* the label's volume in the prediction, in millilitres               */
    double volume_truth_ml; /* the label's volume in the truth, in millilitres                    */
} uvs_metrics;

/*
 * Compares the voxels of prediction and truth that hold label (1 .. 2^24) and fills *out_metrics.
 * Both volumes must be on the same grid: the same dims, and affines that place each voxel within
 * 0.001 mm of each other (resample the prediction onto the truth's grid first if needed). The
 * time is linear in the voxels of the box around the label in both maps (an exact Euclidean
 * distance transform, Felzenszwalb and Huttenlocher's), plus one pass over the whole grid.
 *
 * Thread safety: volumes are immutable, so many threads may evaluate the same volumes at once.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, struct_size smaller than the first version of
 * uvs_metrics, label out of range, voxels that are not labels, grids that differ). Nothing is
 * written to *out_metrics on failure.
 */
uvs_status uvs_evaluate(const uvs_volume *prediction, const uvs_volume *truth, int32_t label,
                        uvs_metrics *out_metrics);

/* ---- Post-processing of label maps ---- */

/*
 * Keeps, for each label, only its largest connected component; the voxels of its other components
 * become background (0). connectivity says which voxels touch: 6 (sharing a face) or 26 (sharing
 * a face, an edge or a corner; the usual choice). Of equally large components, the one whose
 * first voxel comes first in memory order is kept.
 *
 * On success *out_labels receives a new volume, on the grid of labels and with its header fields,
 * that the caller frees with uvs_volume_free(); labels is unchanged.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, connectivity not 6 or 26, voxels that are not
 * labels), UVS_ERROR_UNSUPPORTED (a grid of 2^31 voxels or more). *out_labels is left untouched
 * on failure.
 */
uvs_status uvs_labels_keep_largest_components(const uvs_volume *labels, int32_t connectivity,
                                              uvs_volume **out_labels);

/*
 * Fills the holes of each label with that label. A hole of a label is a region of background
 * (connected through faces) that touches neither the grid's border nor any other label: a cavity
 * inside an organ is filled, background between two labels is not. An axis one voxel thick has
 * no border, so a single-slice volume gets its 2-D holes filled.
 *
 * Output, ownership and errors as uvs_labels_keep_largest_components (without the connectivity).
 */
uvs_status uvs_labels_fill_holes(const uvs_volume *labels, uvs_volume **out_labels);

#ifdef __cplusplus
}
#endif

#endif /* UVSEG_H */
