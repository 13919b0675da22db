/*
 * segment_volume.c - segment a NIfTI volume from labelled volumes, in C.
 *
 * Cases 1 to 5 of the demo data (examples/data: an image and its label map each) are the
 * support; case 6 is segmented, its label map written to OUT, and compared with case 6's own
 * labels, which the network never saw.
 *
 * usage: segment_volume DATA_DIR OUT.nii.gz [WEIGHTS]   (none: the built-in model)
 * build: cc segment_volume.c $(pkg-config --cflags --libs uvseg) -Wl,-rpath,$(pkg-config --variable=libdir uvseg) -o segment_volume
 */
#include <stdio.h>
#include <stdlib.h>

#include <uvseg.h>

enum { SUPPORT_CASES = 5 };

/* Reads DATA_DIR/case0N_KIND.nii.gz; prints why on failure. */
static uvs_volume *read_case(const char *folder, int number, const char *kind) {
    char path[4096];
    snprintf(path, sizeof path, "%s/case%02d_%s.nii.gz", folder, number, kind);
    uvs_volume *volume = NULL;
    if (uvs_volume_read(path, 0, &volume) != UVS_OK) fprintf(stderr, "%s\n", uvs_last_error());
    return volume;
}

/* Shows progress on one line; returning 0 lets the work go on (non-zero would cancel it). */
static int show_progress(double fraction, const char *stage, void *user_data) {
    (void)user_data;
    fprintf(stderr, "\r%-10s %3.0f%%", stage, 100 * fraction);
    if (fraction >= 1) fprintf(stderr, "\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s DATA_DIR OUT.nii.gz [WEIGHTS]\n", argv[0]);
        return 2;
    }
    const char *data = argv[1], *out_path = argv[2];
    int status = UVS_ERROR_INVALID_ARGUMENT;
    uvs_model *model = NULL;
    uvs_options *options = NULL;
    uvs_segmentation *result = NULL;
    uvs_volume *query = NULL, *truth = NULL, *labels = NULL;
    uvs_volume *images[SUPPORT_CASES] = {0}, *label_maps[SUPPORT_CASES] = {0};
    float *voxels = NULL;

    if ((argc == 4 ? uvs_model_load(argv[3], &model) : uvs_model_load_default(&model)) != UVS_OK) {
        fprintf(stderr, "cannot load the model: %s\n", uvs_last_error());
        goto done;
    }
    for (int i = 0; i < SUPPORT_CASES; i++) {
        if (!(images[i] = read_case(data, i + 1, "image"))) goto done;
        if (!(label_maps[i] = read_case(data, i + 1, "label"))) goto done;
    }
    if (!(query = read_case(data, 6, "image")) || !(truth = read_case(data, 6, "label"))) goto done;

    /* Settings not set keep their defaults (see uvseg.h); this one reports progress. */
    if ((status = uvs_options_create(&options)) != UVS_OK ||
        (status = uvs_options_set_progress(options, show_progress, NULL)) != UVS_OK)
        goto failed;

    /* Support and query volumes may lie in different orientations: slices are cut along
     * anatomical planes found from each volume's affine. */
    status = uvs_segment_volume(model, query, (const uvs_volume *const *)images,
                                (const uvs_volume *const *)label_maps, SUPPORT_CASES, options, &result);
    if (status != UVS_OK) goto failed;

    /* The label map lies on the query's grid; writing it with the query as reference gives a
     * file that viewers overlay on the query exactly. */
    if ((status = uvs_segmentation_label_map(result, &labels)) != UVS_OK) goto failed;
    const int64_t count = uvs_volume_voxel_count(labels);
    voxels = malloc(sizeof(float) * (size_t)count);
    if ((status = uvs_volume_copy_data(labels, voxels, count)) != UVS_OK ||
        (status = uvs_volume_write_label_map(query, voxels, count, out_path)) != UVS_OK)
        goto failed;
    printf("wrote %s\n", out_path);

    /* How well each segmented label matches the truth. */
    for (int32_t i = 0; i < uvs_segmentation_label_count(result); i++) {
        int32_t label = 0;
        uvs_volume *probabilities = NULL;
        if ((status = uvs_segmentation_probabilities(result, i, &label, &probabilities)) != UVS_OK)
            goto failed;
        uvs_volume_free(probabilities); /* the probabilities themselves are not used here */
        uvs_metrics metrics = {.struct_size = sizeof(uvs_metrics)};
        if ((status = uvs_evaluate(labels, truth, label, &metrics)) != UVS_OK) goto failed;
        printf("label %d: Dice %.3f, HD95 %.1f mm, volume %.1f ml (truth %.1f ml)\n", label,
               metrics.dice, metrics.hd95_mm, metrics.volume_pred_ml, metrics.volume_truth_ml);
    }
    goto done;

failed:
    fprintf(stderr, "uvseg failed (%s): %s\n", uvs_status_name(status), uvs_last_error());
done:
    free(voxels);
    uvs_volume_free(labels);
    uvs_segmentation_free(result);
    uvs_options_free(options);
    for (int i = 0; i < SUPPORT_CASES; i++) {
        uvs_volume_free(images[i]);
        uvs_volume_free(label_maps[i]);
    }
    uvs_volume_free(query);
    uvs_volume_free(truth);
    uvs_model_free(model);
    return status == UVS_OK ? 0 : 1;
}
