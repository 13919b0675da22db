/*
 * include/uvseg.hpp exercised from C++17: results equal to the C interface's on the same inputs,
 * exceptions carrying status and message, lengths checked before the library is called, handles
 * that move and free themselves, and progress callbacks whose exceptions never cross the library.
 *
 * usage: wrapper_test FIXTURES_DIR DATA_DIR   (Tests/NetworkTests/Fixtures examples/data)
 */
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "uvseg.hpp"

static int failures = 0;

#define CHECK(condition, what)                                                                 \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            failures++;                                                                        \
            std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__,        \
                         #condition, std::string(what).c_str());                               \
        }                                                                                      \
    } while (0)

/* Runs `call`, which must throw uvseg::Error with `status` and a message containing `fragment`. */
template <class Call>
static void expect_error(Call &&call, uvs_status status, const char *fragment, const char *what) {
    try {
        call();
        CHECK(false, std::string(what) + ": nothing thrown");
    } catch (const uvseg::Error &error) {
        CHECK(error.status() == status, std::string(what) + ": got " + error.status_name());
        CHECK(std::strstr(error.what(), fragment) != nullptr,
              std::string(what) + ": message '" + error.what() + "' lacks '" + fragment + "'");
    }
}

static std::vector<float> pseudo_random(std::size_t count, uint32_t seed) {
    std::vector<float> values(count);
    for (float &value : values) {
        seed = seed * 1664525u + 1013904223u;
        value = static_cast<float>(seed >> 8) / 16777216.0f;
    }
    return values;
}

static void check_prediction(const std::string &fixtures) {
    const std::string weights = fixtures + "/uneven/weights.safetensors";
    uvseg::Model model(weights);
    const int32_t size = 4 * model.size_multiple(), n_support = 3;
    const std::size_t plane = static_cast<std::size_t>(size) * size;
    const std::vector<float> query = pseudo_random(2 * plane, 1);
    const std::vector<float> images = pseudo_random(n_support * plane, 2);
    std::vector<float> labels = pseudo_random(n_support * plane, 3);
    for (float &label : labels) label = label > 0.7f ? 1.0f : 0.0f;

    /* The wrapper returns exactly what the C call writes for the same buffers. */
    const std::vector<float> logits = model.predict(query, images, labels, size, size);
    std::vector<float> expected(query.size());
    uvs_model *c_model = nullptr;
    CHECK(uvs_model_load(weights.c_str(), &c_model) == UVS_OK, uvs_last_error());
    CHECK(uvs_predict(c_model, query.data(), 2, images.data(), labels.data(), n_support, size, size,
                      expected.data()) == UVS_OK, uvs_last_error());
    uvs_model_free(c_model);
    CHECK(logits == expected, "wrapper and C logits differ");

    /* A pointer + size view of one image gives that image's logits. */
    std::vector<float> first(plane);
    model.predict(uvseg::View<const float>(query.data(), plane), images, labels, size, size, first);
    float worst = 0;
    for (std::size_t i = 0; i < plane; i++) worst = std::fmax(worst, std::fabs(first[i] - logits[i]));
    CHECK(worst <= 1e-5f, "one image differs from the batch by " + std::to_string(worst));

    /* Lengths are checked before the library sees the pointers. */
    const std::vector<float> short_labels(labels.begin(), labels.end() - 1);
    expect_error([&] { model.predict(query, images, short_labels, size, size); },
                 UVS_ERROR_INVALID_ARGUMENT, "support_labels", "short labels");
    expect_error([&] { model.predict(std::vector<float>(plane + 1), images, labels, size, size); },
                 UVS_ERROR_INVALID_ARGUMENT, "whole number", "ragged query");
    std::vector<float> small_output(plane);
    expect_error([&] { model.predict(query, images, labels, size, size, small_output); },
                 UVS_ERROR_INVALID_ARGUMENT, "out_logits", "short output");
    /* ... and what only the library knows comes back from it. */
    if (model.size_multiple() > 1)
        expect_error([&] { model.predict(std::vector<float>(size * (size + 1)), std::vector<float>(size * (size + 1)),
                                         std::vector<float>(size * (size + 1)), size + 1, size); },
                     UVS_ERROR_INVALID_ARGUMENT, "multiple of", "size not a multiple");

    /* A moved model predicts; the moved-from one holds nothing and fails cleanly. */
    uvseg::Model moved = std::move(model);
    CHECK(moved.predict(query, images, labels, size, size) == logits, "moved model");
    CHECK(model.get() == nullptr, "moved-from model still holds the handle");
    expect_error([&] { model.predict(query, images, labels, size, size); },
                 UVS_ERROR_INVALID_ARGUMENT, "model", "moved-from model");
}

static void check_default_model() {
    const uvseg::Model model = uvseg::Model::load_default();
    CHECK(model.size_multiple() >= 1, "default model size multiple");
}

static void check_errors(const std::string &fixtures) {
    expect_error([] { uvseg::Model("/nonexistent/weights.pt"); }, UVS_ERROR_IO,
                 "/nonexistent/weights.pt", "missing checkpoint");
    expect_error([&] { uvseg::Model(fixtures + "/checkpoints/malicious_system.pt"); },
                 UVS_ERROR_UNSUPPORTED, "system", "malicious checkpoint");
    try {
        uvseg::Model("/nonexistent/weights.pt");
    } catch (const std::runtime_error &error) { /* usable as a standard exception */
        CHECK(std::string(error.what()).find("weights.pt") != std::string::npos, error.what());
    }
    expect_error([] { uvseg::Volume::read("/nonexistent/image.nii.gz"); }, UVS_ERROR_IO,
                 "image.nii.gz", "missing volume");
}

static void check_volumes(const std::string &data, const std::string &scratch) {
    const uvseg::Volume labels = uvseg::Volume::read(data + "/case01_label.nii.gz");
    const auto dims = labels.dims();
    CHECK(labels.voxel_count() == dims[0] * dims[1] * dims[2], "voxel count");
    CHECK(labels.axis_codes().size() == 3, labels.axis_codes());
    const auto affine = labels.affine();
    const auto spacing = labels.spacing();
    CHECK(std::fabs(std::hypot(affine[0], affine[4], affine[8]) - spacing[0]) < 1e-9, "spacing");

    /* A label map written on the grid reads back equal, with the same geometry. */
    std::vector<float> voxels = labels.voxels();
    for (float &voxel : voxels) voxel = voxel == 1.0f ? 1.0f : 0.0f;
    const std::string path = scratch + "/wrapper_test_label1.nii.gz";
    labels.write_label_map(voxels, path);
    const uvseg::Volume written = uvseg::Volume::read(path);
    CHECK(written.voxels() == voxels, "written label map differs");
    CHECK(written.affine() == affine, "written affine differs");
    CHECK(uvseg::Volume::count_in_file(path) == 1, "count in file");

    /* Metrics and post-processing return values and volumes. */
    const uvseg::Metrics same = uvseg::evaluate(written, written, 1);
    CHECK(same.dice == 1.0 && same.hd95_mm == 0.0, "a map against itself");
    const uvseg::Volume largest = uvseg::keep_largest_components(written);
    const uvseg::Volume filled = uvseg::fill_holes(largest);
    CHECK(filled.voxel_count() == labels.voxel_count(), "post-processed size");
    expect_error([&] { uvseg::keep_largest_components(written, 8); }, UVS_ERROR_INVALID_ARGUMENT,
                 "connectivity", "bad connectivity");

    /* Voxel counts are checked by the wrapper. */
    expect_error([&] { labels.with_voxels(std::vector<float>(3)); }, UVS_ERROR_INVALID_ARGUMENT,
                 "voxels", "short voxel buffer");
    expect_error([&] { labels.write_probability_maps(std::vector<float>(voxels.size() + 1), path); },
                 UVS_ERROR_INVALID_ARGUMENT, "whole number", "ragged maps");
    const uvseg::Volume copy = labels.with_voxels(voxels);
    CHECK(copy.voxels() == voxels, "with_voxels");
    std::remove(path.c_str());
}

/* Segmentation through the wrapper equals the C call's; progress can cancel, and an exception
 * thrown by the callback comes back out of segment() instead of crossing the library. */
static void check_segmentation(const std::string &fixtures, const std::string &data) {
    const std::string weights = fixtures + "/uneven/weights.safetensors";
    const uvseg::Model model(weights);
    std::vector<uvseg::Volume> images, labels;
    for (const char *number : {"01", "02"}) {
        images.push_back(uvseg::Volume::read(data + "/case" + number + "_image.nii.gz"));
        labels.push_back(uvseg::Volume::read(data + "/case" + number + "_label.nii.gz"));
    }
    const uvseg::Volume query = uvseg::Volume::read(data + "/case03_image.nii.gz");
    const int32_t label = 1;
    uvseg::Options options;
    options.set(uvs_options_set_labels, &label, 1).set(uvs_options_set_support_size, 3)
        .set(uvs_options_set_input_size, 32);
    const uvseg::Segmentation result = uvseg::segment(model, query, images, labels, options);
    CHECK(result.label_count() == 1 && result.probabilities(0).label == 1, "one label segmented");
    const std::vector<float> label_map = result.label_map().voxels();
    CHECK(result.probabilities(0).probabilities.voxel_count() == query.voxel_count(), "probabilities grid");
    /* The defaults align each support volume and report how well. */
    const std::vector<uvseg::Alignment> alignments = result.alignments();
    CHECK(alignments.size() == 2, "one alignment per support volume");
    for (const uvseg::Alignment &alignment : alignments) {
        CHECK(alignment.similarity > 0.5 && alignment.similarity <= 1, "the demo cases line up");
    }

    const uvs_volume *c_images[] = {images[0].get(), images[1].get()};
    const uvs_volume *c_labels[] = {labels[0].get(), labels[1].get()};
    uvs_segmentation *c_result = nullptr;
    uvs_volume *c_map = nullptr;
    CHECK(uvs_segment_volume(model.get(), query.get(), c_images, c_labels, 2, options.get(), &c_result) == UVS_OK &&
          uvs_segmentation_label_map(c_result, &c_map) == UVS_OK, uvs_last_error());
    CHECK(uvseg::Volume(c_map).voxels() == label_map, "wrapper and C segmentations differ");
    uvs_segmentation_free(c_result);

    /* Volumes owned elsewhere, by reference. */
    const std::vector<std::reference_wrapper<const uvseg::Volume>> first_image{images[0]}, first_labels{labels[0]};
    CHECK(uvseg::segment(model, query, first_image, first_labels, options).label_count() == 1,
          "segment from references");

    /* Validation: the wrapper's report is the C call's. */
    const int32_t sizes[] = {2};
    const uvseg::Validation validation = uvseg::validate(model, images, labels, sizes, options);
    uvs_validation *c_validation = nullptr;
    CHECK(uvs_validate(model.get(), c_images, c_labels, 2, sizes, 1, options.get(), &c_validation) == UVS_OK,
          uvs_last_error());
    CHECK(validation.json() == uvs_validation_json(c_validation), "wrapper and C validations differ");
    uvs_validation_free(c_validation);
    const double mean = validation.mean_dice(2, 1);
    CHECK(mean >= 0 && mean <= 1, "mean Dice " + std::to_string(mean));
    expect_error([&] { validation.mean_dice(3, 1); }, UVS_ERROR_INVALID_ARGUMENT, "3", "unknown support size");

    expect_error([&] { uvseg::segment(model, query, images, std::vector<uvseg::Volume>{}, options); },
                 UVS_ERROR_INVALID_ARGUMENT, "equally long", "unpaired support");
    int reports = 0;
    options.set_progress([&reports](double, const char *) { return ++reports < 3; });
    expect_error([&] { uvseg::segment(model, query, images, labels, options); }, UVS_ERROR_CANCELLED, "",
                 "cancelled by the callback");
    CHECK(reports == 3, "progress reports after cancelling: " + std::to_string(reports));
    struct Stop {};
    options.set_progress([](double, const char *) -> bool { throw Stop{}; });
    bool stopped = false;
    try {
        uvseg::segment(model, query, images, labels, options);
    } catch (const Stop &) {
        stopped = true;
    }
    CHECK(stopped, "the callback's exception did not come back out of segment()");
}

static void check_options() {
    uvseg::Options options;
    int calls = 0;
    options.set_progress([&calls](double, const char *) { return ++calls > 0; });
    uvseg::Options moved = std::move(options);  // the callback's state survives the move
    CHECK(moved.get() != nullptr && options.get() == nullptr, "moved options");
    moved.set_progress(nullptr);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s FIXTURES_DIR DATA_DIR\n", argv[0]);
        return 2;
    }
    const std::string scratch = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    CHECK(uvseg::library_matches_header(), uvseg::version());
    try {
        check_prediction(argv[1]);
        check_errors(argv[1]);
        check_default_model();
        check_volumes(argv[2], scratch);
        check_segmentation(argv[1], argv[2]);
        check_options();
    } catch (const uvseg::Error &error) {
        CHECK(false, std::string("unexpected ") + error.status_name() + ": " + error.what());
    }
    std::printf("wrapper_test: %s (%d failed checks)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
