/*
 * validate.c - local validation: how well does uvseg segment YOUR data? In C.
 *
 * Before trusting the model on a kind of image, segment labelled cases you already have, each
 * from the others only (leave-one-out), and compare with their labels, at a few support sizes.
 * Here the cases are the first four demo volumes. `uvseg validate` does the same from the shell.
 *
 * usage: validate DATA_DIR [WEIGHTS]   (none: the built-in model)
 * build: cc validate.c $(pkg-config --cflags --libs uvseg) -Wl,-rpath,$(pkg-config --variable=libdir uvseg) -o validate
 */
#include <stdio.h>
#include <string.h>

#include <uvseg.h>

enum { CASES = 4 };

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s DATA_DIR [WEIGHTS]\n", argv[0]);
        return 2;
    }
    int status;
    uvs_model *model = NULL;
    uvs_options *options = NULL;
    uvs_validation *validation = NULL;
    uvs_volume *images[CASES] = {0}, *labels[CASES] = {0};

    status = argc == 3 ? uvs_model_load(argv[2], &model) : uvs_model_load_default(&model);
    if (status != UVS_OK) goto failed;
    for (int i = 0; i < CASES; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/case%02d_image.nii.gz", argv[1], i + 1);
        if ((status = uvs_volume_read(path, 0, &images[i])) != UVS_OK) goto failed;
        snprintf(path, sizeof path, "%s/case%02d_label.nii.gz", argv[1], i + 1);
        if ((status = uvs_volume_read(path, 0, &labels[i])) != UVS_OK) goto failed;
    }

    /* Validate with the settings you mean to use. Here: label 1 (the organ) only, to be quick. */
    const int32_t label = 1;
    if ((status = uvs_options_create(&options)) != UVS_OK ||
        (status = uvs_options_set_labels(options, &label, 1)) != UVS_OK)
        goto failed;

    /* Every case segmented from the other three, with 4 and then 8 support slices. */
    const int32_t support_sizes[] = {4, 8};
    status = uvs_validate(model, (const uvs_volume *const *)images, (const uvs_volume *const *)labels,
                          CASES, support_sizes, 2, options, &validation);
    if (status != UVS_OK) goto failed;

    for (int i = 0; i < 2; i++) {
        double mean = 0;
        if ((status = uvs_validation_mean_dice(validation, support_sizes[i], label, &mean)) != UVS_OK)
            goto failed;
        printf("support size %d: mean Dice %.3f over %d cases\n", support_sizes[i], mean, CASES);
    }
    /* Every case's metrics, and means and standard deviations, as `uvseg validate --json`. */
    printf("the full report is %zu characters of JSON\n", strlen(uvs_validation_json(validation)));
    goto done;

failed:
    fprintf(stderr, "uvseg failed (%s): %s\n", uvs_status_name(status), uvs_last_error());
done:
    uvs_validation_free(validation);
    uvs_options_free(options);
    for (int i = 0; i < CASES; i++) {
        uvs_volume_free(images[i]);
        uvs_volume_free(labels[i]);
    }
    uvs_model_free(model);
    return status == UVS_OK ? 0 : 1;
}
