/*
 * segment_image.c - segment a 2-D image from a support set of labelled examples, in C.
 *
 * The task is made up on the spot: bright discs on a noisy background, each labelled 1 inside
 * its disc. Eight labelled examples form the support set; the network then segments a ninth
 * disc it has never seen, and the program reports how well the result matches the truth.
 *
 * usage: segment_image [WEIGHTS]    (a .pt or .safetensors checkpoint; none: the built-in model)
 * build: cc segment_image.c $(pkg-config --cflags --libs uvseg) -Wl,-rpath,$(pkg-config --variable=libdir uvseg) -o segment_image
 */
#include <stdio.h>
#include <stdlib.h>

#include <uvseg.h>

enum { SIZE = 128, SUPPORT = 8 }; /* the published model works on 128 x 128 images */

/* A pseudo-random number in [0, 1) from a simple generator, so the program needs nothing else. */
static float next_random(unsigned *state) {
    *state = *state * 1664525u + 1013904223u;
    return (float)(*state >> 8) / 16777216.0f;
}

/* Draws one example: `image` gets a bright disc on noise (values in [0, 1], as the network
 * expects), `label` 1 inside the disc and 0 outside. */
static void draw_disc(float *image, float *label, unsigned *state) {
    const float cx = 32 + 64 * next_random(state), cy = 32 + 64 * next_random(state);
    const float radius = 12 + 16 * next_random(state);
    for (int y = 0; y < SIZE; y++)
        for (int x = 0; x < SIZE; x++) {
            const int inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
            image[y * SIZE + x] = 0.15f + 0.6f * inside + 0.2f * next_random(state);
            label[y * SIZE + x] = (float)inside;
        }
}

int main(int argc, char **argv) {
    if (argc > 2) {
        fprintf(stderr, "usage: %s [WEIGHTS]\n", argv[0]);
        return 2;
    }

    /* Every uvseg function returns a status; on failure uvs_last_error() says what went wrong.
     * The built-in model needs no file but is far weaker than the published UniverSeg weights. */
    uvs_model *model = NULL;
    if ((argc == 2 ? uvs_model_load(argv[1], &model) : uvs_model_load_default(&model)) != UVS_OK) {
        fprintf(stderr, "cannot load the model: %s\n", uvs_last_error());
        return 1;
    }

    /* Arrays are float32 and row-major; a stack of S images is S images one after the other. */
    float *support_images = malloc(sizeof(float) * SUPPORT * SIZE * SIZE);
    float *support_labels = malloc(sizeof(float) * SUPPORT * SIZE * SIZE);
    float *query = malloc(sizeof(float) * SIZE * SIZE);
    float *truth = malloc(sizeof(float) * SIZE * SIZE);
    float *logits = malloc(sizeof(float) * SIZE * SIZE);
    unsigned state = 2023;
    for (int s = 0; s < SUPPORT; s++)
        draw_disc(support_images + s * SIZE * SIZE, support_labels + s * SIZE * SIZE, &state);
    draw_disc(query, truth, &state);

    int status = uvs_predict(model, query, 1, support_images, support_labels, SUPPORT, SIZE, SIZE, logits);
    if (status != UVS_OK) {
        fprintf(stderr, "prediction failed (%s): %s\n", uvs_status_name(status), uvs_last_error());
    } else {
        /* A pixel is foreground where its logit is above 0 (probability above 0.5). */
        long found = 0, true_area = 0, overlap = 0;
        for (int i = 0; i < SIZE * SIZE; i++) {
            const int foreground = logits[i] > 0;
            found += foreground;
            true_area += truth[i] > 0;
            overlap += foreground && truth[i] > 0;
        }
        const double dice = found + true_area ? 2.0 * overlap / (double)(found + true_area) : 1.0;
        printf("segmented %ld pixels; the disc has %ld; Dice %.3f\n", found, true_area, dice);
    }

    free(support_images); free(support_labels); free(query); free(truth); free(logits);
    uvs_model_free(model);
    return status == UVS_OK ? 0 : 1;
}
