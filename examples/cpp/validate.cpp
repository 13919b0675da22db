/*
 * validate.cpp - local validation: how well does uvseg segment YOUR data? In C++.
 *
 * Before trusting the model on a kind of image, segment labelled cases you already have, each
 * from the others only (leave-one-out), and compare with their labels, at a few support sizes.
 * Here the cases are the first four demo volumes. `uvseg validate` does the same from the shell.
 *
 * usage: validate DATA_DIR [WEIGHTS]   (none: the built-in model)
 * build: c++ -std=c++17 validate.cpp $(pkg-config --cflags --libs uvseg) -Wl,-rpath,$(pkg-config --variable=libdir uvseg) -o validate
 */
#include <cstdio>
#include <string>
#include <vector>

#include <uvseg.hpp>

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) {
        std::fprintf(stderr, "usage: %s DATA_DIR [WEIGHTS]\n", argv[0]);
        return 2;
    }
    const std::string data = argv[1];
    const int cases = 4;
    try {
        const uvseg::Model model = argc == 3 ? uvseg::Model(argv[2]) : uvseg::Model::load_default();
        std::vector<uvseg::Volume> images, labels;
        for (int number = 1; number <= cases; number++) {
            const std::string stem = data + "/case0" + std::to_string(number);
            images.push_back(uvseg::Volume::read(stem + "_image.nii.gz"));
            labels.push_back(uvseg::Volume::read(stem + "_label.nii.gz"));
        }

        // Validate with the settings you mean to use. Here: label 1 (the organ) only, to be quick.
        const int32_t label = 1;
        uvseg::Options options;
        options.set(uvs_options_set_labels, &label, 1);

        // Every case segmented from the other three, with 4 and then 8 support slices.
        const std::vector<int32_t> support_sizes{4, 8};
        const uvseg::Validation validation = uvseg::validate(model, images, labels, support_sizes, options);
        for (const int32_t size : support_sizes)
            std::printf("support size %d: mean Dice %.3f over %d cases\n", size, validation.mean_dice(size, label),
                        cases);
        // Every case's metrics, and means and standard deviations, as `uvseg validate --json`.
        std::printf("the full report is %zu characters of JSON\n", validation.json().size());
    } catch (const uvseg::Error &error) {
        std::fprintf(stderr, "uvseg failed (%s): %s\n", error.status_name(), error.what());
        return 1;
    }
    return 0;
}
