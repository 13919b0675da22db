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

/* The version of this header. Compare with uvs_version_number() to detect a mismatched library. */
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
 * On success *out_model receives a new model the caller frees with uvs_model_free().
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL path or out_model), UVS_ERROR_IO (cannot read),
 * UVS_ERROR_BAD_FORMAT (damaged file; tensors missing, unexpected or mis-shaped, named in the
 * message), UVS_ERROR_UNSUPPORTED (a pickle that refers to anything but tensors, an unknown dtype),
 * UVS_ERROR_OUT_OF_MEMORY. *out_model is left untouched on failure.
 */
uvs_status uvs_model_load(const char *path, uvs_model **out_model);

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
 *
 * Thread safety: many threads may predict with one model at once; each call uses its own memory.
 * Errors: UVS_ERROR_INVALID_ARGUMENT (NULL pointer, count < 1, size not a multiple),
 * UVS_ERROR_OUT_OF_MEMORY (the working memory needed exceeds the library's limit).
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

/* ---- Volumes ---- */

/* ---- Volume segmentation ---- */

/* ---- Metrics ---- */

#ifdef __cplusplus
}
#endif

#endif /* UVSEG_H */
