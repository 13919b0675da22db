/*
 * The C contract of include/uvseg.h exercised from C: version macros against the loaded library,
 * the error model (status + uvs_last_error) on bad arguments and files, both checkpoint formats
 * giving the same network, batching equal to one-by-one prediction, and concurrent prediction
 * with one shared model. Parity with the PyTorch reference is checked in Tests/python.
 *
 * usage: contract_test FIXTURES_DIR   (Tests/NetworkTests/Fixtures)
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvseg.h"

static int failures = 0;

#define CHECK(condition, ...)                                                                  \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            failures++;                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #condition);      \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fprintf(stderr, "\n");                                                             \
        }                                                                                      \
    } while (0)

/* A failing call must return `expected` and leave a message containing `fragment`. */
static void expect_failure(int status, int expected, const char *fragment, const char *what) {
    CHECK(status == expected, "%s: got %s, expected %s (%s)", what, uvs_status_name(status),
          uvs_status_name(expected), uvs_last_error());
    CHECK(strstr(uvs_last_error(), fragment) != NULL, "%s: message '%s' lacks '%s'", what,
          uvs_last_error(), fragment);
}

/* Deterministic pseudo-random values in [0, 1) (a fixed LCG: no dependence on libc's rand). */
static void fill(float *values, size_t count, uint32_t seed) {
    for (size_t i = 0; i < count; i++) {
        seed = seed * 1664525u + 1013904223u;
        values[i] = (float)(seed >> 8) / 16777216.0f;
    }
}

static double max_difference(const float *a, const float *b, size_t count) {
    double worst = 0;
    for (size_t i = 0; i < count; i++) worst = fmax(worst, fabs((double)a[i] - (double)b[i]));
    return worst;
}

typedef struct {
    const uvs_model *model;
    const float *query, *images, *labels;
    int32_t n_support, size;
    float *logits;
    int status;
} prediction;

static void *predict_on_thread(void *argument) {
    prediction *p = argument;
    p->status = uvs_predict(p->model, p->query, 1, p->images, p->labels, p->n_support, p->size,
                            p->size, p->logits);
    return NULL;
}

static void check_version(void) {
    CHECK(uvs_version_number() == UVS_VERSION_NUMBER, "library %d, header %d", uvs_version_number(),
          UVS_VERSION_NUMBER);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", UVS_VERSION_MAJOR, UVS_VERSION_MINOR,
             UVS_VERSION_PATCH);
    CHECK(strcmp(uvs_version(), expected) == 0, "uvs_version() is %s", uvs_version());
    CHECK(strcmp(uvs_status_name(UVS_ERROR_BAD_FORMAT), "UVS_ERROR_BAD_FORMAT") == 0, "name");
    CHECK(strcmp(uvs_status_name(99), "UVS_ERROR_UNKNOWN_STATUS") == 0, "unknown status name");
}

static void check_bad_loads(const char *fixtures) {
    uvs_model *model = (uvs_model *)0x1; /* must stay untouched on failure */
    expect_failure(uvs_model_load(NULL, &model), UVS_ERROR_INVALID_ARGUMENT, "path", "NULL path");
    expect_failure(uvs_model_load("x.pt", NULL), UVS_ERROR_INVALID_ARGUMENT, "out_model",
                   "NULL out_model");
    expect_failure(uvs_model_load("/nonexistent/weights.pt", &model), UVS_ERROR_IO,
                   "/nonexistent/weights.pt", "missing file");
    char path[4096];
    snprintf(path, sizeof path, "%s/checkpoints/malicious_system.pt", fixtures);
    expect_failure(uvs_model_load(path, &model), UVS_ERROR_UNSUPPORTED, "system", "malicious pickle");
    CHECK(model == (uvs_model *)0x1, "out_model changed by a failed load");
    uvs_model_free(NULL);
}

static void check_prediction(const char *fixtures) {
    char pt_path[4096], st_path[4096];
    snprintf(pt_path, sizeof pt_path, "%s/uneven/weights.pt", fixtures);
    snprintf(st_path, sizeof st_path, "%s/uneven/weights.safetensors", fixtures);
    uvs_model *from_pt = NULL, *from_safetensors = NULL;
    int status = uvs_model_load(pt_path, &from_pt);
    CHECK(status == UVS_OK, "load %s: %s", pt_path, uvs_last_error());
    status = uvs_model_load(st_path, &from_safetensors);
    CHECK(status == UVS_OK, "load %s: %s", st_path, uvs_last_error());
    if (!from_pt || !from_safetensors) return;

    const int32_t multiple = uvs_model_size_multiple(from_pt);
    CHECK(multiple >= 1, "size multiple %d", multiple);
    const int32_t size = 4 * multiple, n_support = 3, n_query = 2;
    const size_t plane = (size_t)size * size;
    float *queries = malloc(n_query * plane * sizeof(float));
    float *images = malloc(n_support * plane * sizeof(float));
    float *labels = malloc(n_support * plane * sizeof(float));
    float *batch = malloc(n_query * plane * sizeof(float));
    float *single = malloc(n_query * plane * sizeof(float));
    float *other = malloc(n_query * plane * sizeof(float));
    fill(queries, n_query * plane, 1);
    fill(images, n_support * plane, 2);
    fill(labels, n_support * plane, 3);
    for (size_t i = 0; i < n_support * plane; i++) labels[i] = labels[i] > 0.7f;

    status = uvs_predict(from_pt, queries, n_query, images, labels, n_support, size, size, batch);
    CHECK(status == UVS_OK, "predict: %s", uvs_last_error());
    for (int q = 0; q < n_query; q++) {
        status = uvs_predict(from_pt, queries + q * plane, 1, images, labels, n_support, size, size,
                             single + q * plane);
        CHECK(status == UVS_OK, "predict one: %s", uvs_last_error());
    }
    CHECK(max_difference(batch, single, n_query * plane) <= 1e-5,
          "batched and one-by-one predictions differ by %g", max_difference(batch, single, n_query * plane));
    int finite = 1;
    for (size_t i = 0; i < n_query * plane; i++) finite &= isfinite(batch[i]) != 0;
    CHECK(finite, "non-finite logits");

    status = uvs_predict(from_safetensors, queries, n_query, images, labels, n_support, size, size, other);
    CHECK(status == UVS_OK && max_difference(batch, other, n_query * plane) == 0,
          ".pt and .safetensors models disagree by %g", max_difference(batch, other, n_query * plane));

    /* One model shared by two threads gives each the single-threaded answer. */
    prediction jobs[2];
    pthread_t threads[2];
    for (int t = 0; t < 2; t++) {
        jobs[t] = (prediction){from_pt, queries + t * plane, images, labels, n_support, size,
                               other + t * plane, -1};
        pthread_create(&threads[t], NULL, predict_on_thread, &jobs[t]);
    }
    for (int t = 0; t < 2; t++) {
        pthread_join(threads[t], NULL);
        CHECK(jobs[t].status == UVS_OK, "thread %d: %s", t, uvs_status_name(jobs[t].status));
    }
    CHECK(max_difference(batch, other, n_query * plane) <= 1e-5, "threaded predictions differ");

    /* Bad arguments: a status and a message, never a crash. */
    expect_failure(uvs_predict(NULL, queries, 1, images, labels, 1, size, size, batch),
                   UVS_ERROR_INVALID_ARGUMENT, "model", "NULL model");
    expect_failure(uvs_predict(from_pt, NULL, 1, images, labels, 1, size, size, batch),
                   UVS_ERROR_INVALID_ARGUMENT, "query", "NULL query");
    expect_failure(uvs_predict(from_pt, queries, 0, images, labels, 1, size, size, batch),
                   UVS_ERROR_INVALID_ARGUMENT, "n_query", "no queries");
    expect_failure(uvs_predict(from_pt, queries, 1, images, labels, -5, size, size, batch),
                   UVS_ERROR_INVALID_ARGUMENT, "n_support", "negative support count");
    if (multiple > 1)
        expect_failure(uvs_predict(from_pt, queries, 1, images, labels, 1, size + 1, size, batch),
                       UVS_ERROR_INVALID_ARGUMENT, "multiple of", "height not a multiple");
    expect_failure(uvs_predict(from_pt, queries, 1, images, labels, 1, size, size, NULL),
                   UVS_ERROR_INVALID_ARGUMENT, "out_logits", "NULL output");
    expect_failure(uvs_predict(from_pt, queries, 2147483647, images, labels, 2147483647, 2147483647 & ~(multiple - 1),
                               2147483647 & ~(multiple - 1), batch),
                   UVS_ERROR_OUT_OF_MEMORY, "memory", "absurd sizes");

    free(queries); free(images); free(labels); free(batch); free(single); free(other);
    uvs_model_free(from_pt);
    uvs_model_free(from_safetensors);
}

static void check_options(void) {
    uvs_options *options = NULL;
    CHECK(uvs_options_create(&options) == UVS_OK && options != NULL, "options create");
    CHECK(uvs_options_set_progress(options, NULL, NULL) == UVS_OK, "clear progress");
    expect_failure(uvs_options_set_progress(NULL, NULL, NULL), UVS_ERROR_INVALID_ARGUMENT, "options",
                   "NULL options");
    expect_failure(uvs_options_create(NULL), UVS_ERROR_INVALID_ARGUMENT, "out_options", "NULL out");
    uvs_options_free(options);
    uvs_options_free(NULL);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
        return 2;
    }
    check_version();
    check_bad_loads(argv[1]);
    check_prediction(argv[1]);
    check_options();
    printf("contract_test: %s (%d failed checks)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
