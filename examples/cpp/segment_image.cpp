/*
 * segment_image.cpp - segment a 2-D image from a support set of labelled examples, in C++.
 *
 * The task is made up on the spot: bright discs on a noisy background, each labelled 1 inside
 * its disc. Eight labelled examples form the support set; the network then segments a ninth
 * disc it has never seen, and the program reports how well the result matches the truth.
 *
 * usage: segment_image [WEIGHTS]    (a .pt or .safetensors checkpoint; none: the built-in model)
 * build: c++ -std=c++17 segment_image.cpp $(pkg-config --cflags --libs uvseg) -Wl,-rpath,$(pkg-config --variable=libdir uvseg) -o segment_image
 */
#include <cstdio>
#include <random>
#include <vector>

#include <uvseg.hpp>

constexpr int size = 128;  // the published model works on 128 x 128 images
constexpr int support_size = 8;

// Appends one example: a bright disc on noise (values in [0, 1], as the network expects) to
// `images`, and its label (1 inside the disc, 0 outside) to `labels`.
static void draw_disc(std::vector<float> &images, std::vector<float> &labels, std::mt19937 &random) {
    std::uniform_real_distribution<float> centre(32, 96), radius_of(12, 28), noise(0, 0.2f);
    const float cx = centre(random), cy = centre(random), radius = radius_of(random);
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
            const bool inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
            images.push_back(0.15f + 0.6f * inside + noise(random));
            labels.push_back(inside ? 1.0f : 0.0f);
        }
}

int main(int argc, char **argv) {
    if (argc > 2) {
        std::fprintf(stderr, "usage: %s [WEIGHTS]\n", argv[0]);
        return 2;
    }
    try {
        // Freed when it goes out of scope. The built-in model needs no file but is far weaker
        // than the published UniverSeg weights.
        const uvseg::Model model = argc == 2 ? uvseg::Model(argv[1]) : uvseg::Model::load_default();

        // A stack of S images is S row-major images one after the other.
        std::mt19937 random(2023);
        std::vector<float> support_images, support_labels, query, truth;
        for (int s = 0; s < support_size; s++) draw_disc(support_images, support_labels, random);
        draw_disc(query, truth, random);

        // The number of images in each stack follows from its length.
        const std::vector<float> logits = model.predict(query, support_images, support_labels, size, size);

        // A pixel is foreground where its logit is above 0 (probability above 0.5).
        long found = 0, true_area = 0, overlap = 0;
        for (std::size_t i = 0; i < logits.size(); i++) {
            const bool foreground = logits[i] > 0, in_truth = truth[i] > 0;
            found += foreground;
            true_area += in_truth;
            overlap += foreground && in_truth;
        }
        const double dice = found + true_area ? 2.0 * overlap / double(found + true_area) : 1.0;
        std::printf("segmented %ld pixels; the disc has %ld; Dice %.3f\n", found, true_area, dice);
    } catch (const uvseg::Error &error) {  // every failure: a status and the library's sentence
        std::fprintf(stderr, "uvseg failed (%s): %s\n", error.status_name(), error.what());
        return 1;
    }
    return 0;
}
