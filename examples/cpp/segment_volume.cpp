/*
 * segment_volume.cpp - segment a NIfTI volume from labelled volumes, in C++.
 *
 * Cases 1 to 5 of the demo data (examples/data: an image and its label map each) are the
 * support; case 6 is segmented, its label map written to OUT, and compared with case 6's own
 * labels, which the network never saw.
 *
 * usage: segment_volume DATA_DIR OUT.nii.gz [WEIGHTS]   (none: the built-in model)
 * build: c++ -std=c++17 segment_volume.cpp $(pkg-config --cflags --libs uvseg) -Wl,-rpath,$(pkg-config --variable=libdir uvseg) -o segment_volume
 */
#include <cstdio>
#include <string>
#include <vector>

#include <uvseg.hpp>

static std::string case_file(const std::string &folder, int number, const char *kind) {
    char name[32];
    std::snprintf(name, sizeof name, "/case%02d_%s.nii.gz", number, kind);
    return folder + name;
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: %s DATA_DIR OUT.nii.gz [WEIGHTS]\n", argv[0]);
        return 2;
    }
    const std::string data = argv[1], out_path = argv[2];
    try {
        const uvseg::Model model = argc == 4 ? uvseg::Model(argv[3]) : uvseg::Model::load_default();
        std::vector<uvseg::Volume> images, label_maps;
        for (int number = 1; number <= 5; number++) {
            images.push_back(uvseg::Volume::read(case_file(data, number, "image")));
            label_maps.push_back(uvseg::Volume::read(case_file(data, number, "label")));
        }
        const uvseg::Volume query = uvseg::Volume::read(case_file(data, 6, "image"));
        const uvseg::Volume truth = uvseg::Volume::read(case_file(data, 6, "label"));

        // Settings not set keep their defaults (see uvseg.h); this one reports progress.
        uvseg::Options options;
        options.set_progress([](double fraction, const char *stage) {
            std::fprintf(stderr, "\r%-10s %3.0f%%%s", stage, 100 * fraction, fraction >= 1 ? "\n" : "");
            return true;  // go on; false would cancel
        });

        // Support and query may lie in different orientations: slices are cut along
        // anatomical planes found from each volume's affine.
        const uvseg::Segmentation result = uvseg::segment(model, query, images, label_maps, options);

        // The label map lies on the query's grid; written with the query as reference, viewers
        // overlay it on the query exactly.
        const uvseg::Volume labels = result.label_map();
        query.write_label_map(labels.voxels(), out_path);
        std::printf("wrote %s\n", out_path.c_str());

        for (int32_t i = 0; i < result.label_count(); i++) {
            const int32_t label = result.probabilities(i).label;
            const uvseg::Metrics metrics = uvseg::evaluate(labels, truth, label);
            std::printf("label %d: Dice %.3f, HD95 %.1f mm, volume %.1f ml (truth %.1f ml)\n", label,
                        metrics.dice, metrics.hd95_mm, metrics.volume_pred_ml, metrics.volume_truth_ml);
        }
    } catch (const uvseg::Error &error) {
        std::fprintf(stderr, "uvseg failed (%s): %s\n", error.status_name(), error.what());
        return 1;
    }
    return 0;
}
