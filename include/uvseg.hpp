/*
 * uvseg.hpp - a header-only C++17 wrapper of libuvseg's C interface (uvseg.h).
 *
 * What it adds to the C interface
 * -------------------------------
 *   - handles that free themselves (RAII) and move but do not copy: uvseg::Model, uvseg::Volume;
 *   - exceptions instead of status codes: every failing call throws uvseg::Error, which carries
 *     the uvs_status and the library's sentence (uvs_last_error());
 *   - buffers as uvseg::View<T>, a pointer and a length (std::span's role, which C++17 lacks),
 *     made implicitly from a std::vector, a std::array or a C array; lengths are checked before
 *     the library is called, which the C interface cannot do;
 *   - results returned as std::vector, std::array and std::string.
 * Concepts, array layouts, thread safety and the meaning of every call are those of uvseg.h;
 * each function below names the C function it wraps.
 *
 * Simplest use
 * ------------
 *     #include <uvseg.hpp>
 *     uvseg::Model model("universeg_v1_nf64_ss64_STA.pt");   // or uvseg::Model::load_default()
 *     std::vector<float> logits = model.predict(query, support_images, support_labels, 128, 128);
 *
 * Error model
 * -----------
 * A function that fails throws uvseg::Error (derived from std::runtime_error); what() is the
 * library's sentence, status() the uvs_status. A wrapper that finds a buffer of the wrong length
 * throws uvseg::Error with UVS_ERROR_INVALID_ARGUMENT before calling the library. Nothing is
 * thrown through the library: an exception thrown by a progress callback cancels the call and
 * is rethrown when the call returns.
 *
 * Build: add the folder holding uvseg.h and uvseg.hpp to the include path and link libuvseg
 * (`pkg-config --cflags --libs uvseg`, or CMake's find_package(uvseg) and uvseg::uvseg).
 */
#ifndef UVSEG_HPP
#define UVSEG_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "uvseg.h"

namespace uvseg {

/* ==== Errors ================================================================================== */

/* A failure reported by libuvseg: what() is its sentence, status() its uvs_status. */
class Error : public std::runtime_error {
public:
    Error(uvs_status status, const std::string &message)
        : std::runtime_error(message), status_(status) {}

    /* The uvs_status of the failed call (never UVS_OK). */
    uvs_status status() const noexcept { return status_; }

    /* The status's enumerator name, e.g. "UVS_ERROR_IO". */
    const char *status_name() const noexcept { return uvs_status_name(status_); }

private:
    uvs_status status_;
};

namespace detail {

/* Throws uvseg::Error for a failed call; the text is copied before any other uvseg call. */
inline void check(uvs_status status) {
    if (status != UVS_OK) throw Error(status, uvs_last_error());
}

[[noreturn]] inline void invalid_argument(const std::string &message) {
    throw Error(UVS_ERROR_INVALID_ARGUMENT, message);
}

/* `value` as an int32_t parameter, or uvseg::Error naming `what`. */
template <class Integer>
int32_t to_int32(Integer value, const char *what) {
    bool fits = static_cast<std::make_unsigned_t<Integer>>(value) <= INT32_MAX;
    if constexpr (std::is_signed_v<Integer>) fits = fits && value >= 0;
    if (!fits) invalid_argument(std::string(what) + " does not fit the library's int32 parameters");
    return static_cast<int32_t>(value);
}

/* The deleter of a unique_ptr that owns a handle freed by the C function Free. */
template <class Handle, void (*Free)(Handle *)>
struct Deleter {
    void operator()(Handle *handle) const noexcept { Free(handle); }
};

template <class Handle, void (*Free)(Handle *)>
using Owned = std::unique_ptr<Handle, Deleter<Handle, Free>>;

} /* namespace detail */

/* ==== Version ================================================================================= */

/* The loaded library's version, "MAJOR.MINOR.PATCH" (uvs_version). */
inline std::string version() { return uvs_version(); }

/* Whether the loaded library is the version this header was written for (uvs_version_number). */
inline bool library_matches_header() noexcept { return uvs_version_number() == UVS_VERSION_NUMBER; }

/* ==== Views =================================================================================== */

/*
 * A pointer and a length: the elements a call reads (View<const float>) or writes (View<float>).
 * The view does not own them; the caller keeps them alive during the call. Made implicitly from
 * any container with data() and size() (std::vector, std::array) and from C arrays, or
 * explicitly from a pointer and a count.
 */
template <class T>
class View {
public:
    constexpr View() noexcept = default;
    constexpr View(T *data, std::size_t size) noexcept : data_(data), size_(size) {}

    template <std::size_t N>
    constexpr View(T (&array)[N]) noexcept : data_(array), size_(N) {}

    /* A view of a container's elements. As with std::span, a temporary container is accepted for
     * read-only views only: it lives until the end of the call it is passed to. */
    template <class Container,
              class = std::enable_if_t<
                  std::is_convertible_v<decltype(std::declval<Container &>().data()), T *> &&
                  !std::is_same_v<std::decay_t<Container>, View> &&
                  (std::is_const_v<T> || std::is_lvalue_reference_v<Container>)>>
    constexpr View(Container &&container) noexcept : data_(container.data()), size_(container.size()) {}

    constexpr T *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr T *begin() const noexcept { return data_; }
    constexpr T *end() const noexcept { return data_ + size_; }
    constexpr T &operator[](std::size_t index) const noexcept { return data_[index]; }

private:
    T *data_ = nullptr;
    std::size_t size_ = 0;
};

namespace detail {

/* How many images of height x width `pixels` holds; throws unless it is a whole number >= 1. */
inline int32_t image_count(View<const float> pixels, int32_t height, int32_t width, const char *what) {
    if (height < 1 || width < 1) invalid_argument("height and width must be at least 1");
    const std::size_t plane = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
    if (pixels.empty() || pixels.size() % plane != 0)
        invalid_argument(std::string(what) + " holds " + std::to_string(pixels.size()) +
                         " floats, not a whole number (>= 1) of " + std::to_string(height) + " x " +
                         std::to_string(width) + " images");
    return to_int32(pixels.size() / plane, what);
}

} /* namespace detail */

/* ==== Models ================================================================================== */

/*
 * A loaded network (uvs_model). Immutable: one model may predict from many threads at once.
 * Movable, not copyable; the weights are freed with the last owner.
 */
class Model {
public:
    /* Loads a .pt or safetensors checkpoint (uvs_model_load). Throws uvseg::Error. */
    explicit Model(const std::string &path) {
        uvs_model *model = nullptr;
        detail::check(uvs_model_load(path.c_str(), &model));
        model_.reset(model);
    }

    /* The small model built into the library (uvs_model_load_default): no file needed, far
     * weaker than the published weights. Throws uvseg::Error. */
    static Model load_default() {
        uvs_model *model = nullptr;
        detail::check(uvs_model_load_default(&model));
        return Model(model);
    }

    /* What image height and width must be multiples of (uvs_model_size_multiple). */
    int32_t size_multiple() const noexcept { return uvs_model_size_multiple(model_.get()); }

    /*
     * Segments the query images with one support set and writes their logits (uvs_predict).
     * query, support_images, support_labels and out_logits hold whole [n][height][width] stacks,
     * row-major; n_query and n_support follow from their lengths, and out_logits must be as long
     * as query. Foreground where a logit > 0. Throws uvseg::Error.
     */
    void predict(View<const float> query, View<const float> support_images,
                 View<const float> support_labels, int32_t height, int32_t width,
                 View<float> out_logits) const {
        const int32_t n_query = detail::image_count(query, height, width, "query");
        const int32_t n_support = detail::image_count(support_images, height, width, "support_images");
        if (support_labels.size() != support_images.size())
            detail::invalid_argument("support_labels must be as long as support_images");
        if (out_logits.size() != query.size())
            detail::invalid_argument("out_logits must be as long as query");
        detail::check(uvs_predict(model_.get(), query.data(), n_query, support_images.data(),
                                  support_labels.data(), n_support, height, width, out_logits.data()));
    }

    /* As above, returning the logits in a new vector as long as query. */
    std::vector<float> predict(View<const float> query, View<const float> support_images,
                               View<const float> support_labels, int32_t height, int32_t width) const {
        std::vector<float> logits(query.size());
        predict(query, support_images, support_labels, height, width, logits);
        return logits;
    }

    /* The C handle, for calls this wrapper does not cover. The Model keeps ownership. */
    const uvs_model *get() const noexcept { return model_.get(); }

private:
    explicit Model(uvs_model *model) noexcept : model_(model) {}

    detail::Owned<uvs_model, uvs_model_free> model_;
};

/* ==== Volumes ================================================================================= */

/*
 * A 3-D image on a voxel grid placed in the world (uvs_volume). Voxels are float32, i fastest:
 * voxel (i, j, k) is at index i + di * (j + dj * k). Immutable: may be read by many threads at
 * once. Movable, not copyable.
 */
class Volume {
public:
    /* Reads volume `index` of a NIfTI file (uvs_volume_read). Throws uvseg::Error. */
    static Volume read(const std::string &path, int64_t index = 0) {
        uvs_volume *volume = nullptr;
        detail::check(uvs_volume_read(path.c_str(), index, &volume));
        return Volume(volume);
    }

    /* How many 3-D volumes a NIfTI file holds (uvs_volume_count_in_file). Throws uvseg::Error. */
    static int64_t count_in_file(const std::string &path) {
        int64_t count = 0;
        detail::check(uvs_volume_count_in_file(path.c_str(), &count));
        return count;
    }

    /* Takes ownership of a handle from the C interface (NULL is refused). */
    explicit Volume(uvs_volume *volume) : volume_(volume) {
        if (!volume) detail::invalid_argument("a uvseg::Volume needs a volume, got NULL");
    }

    /* A new volume holding `voxels` on this volume's grid (uvs_volume_create). */
    Volume with_voxels(View<const float> voxels) const {
        uvs_volume *volume = nullptr;
        detail::check(uvs_volume_create(get(), voxels.data(), checked_count(voxels.size()), &volume));
        return Volume(volume);
    }

    /* The grid size (di, dj, dk) (uvs_volume_dims). */
    std::array<int64_t, 3> dims() const {
        std::array<int64_t, 3> dims{};
        detail::check(uvs_volume_dims(get(), dims.data()));
        return dims;
    }

    /* di * dj * dk (uvs_volume_voxel_count). */
    int64_t voxel_count() const noexcept { return uvs_volume_voxel_count(get()); }

    /* The voxel size in mm along i, j, k (uvs_volume_spacing). */
    std::array<double, 3> spacing() const {
        std::array<double, 3> spacing{};
        detail::check(uvs_volume_spacing(get(), spacing.data()));
        return spacing;
    }

    /* The voxel-to-world (RAS+, mm) matrix, row-major (uvs_volume_affine). */
    std::array<double, 16> affine() const {
        std::array<double, 16> affine{};
        detail::check(uvs_volume_affine(get(), affine.data()));
        return affine;
    }

    /* The direction of each array axis: "RAS", "LPS", ... (uvs_volume_axis_codes). */
    std::string axis_codes() const {
        char codes[4] = {0};
        detail::check(uvs_volume_axis_codes(get(), codes));
        return codes;
    }

    /* The voxels in a new vector (uvs_volume_copy_data). */
    std::vector<float> voxels() const {
        std::vector<float> voxels(static_cast<std::size_t>(voxel_count()));
        copy_voxels(voxels);
        return voxels;
    }

    /* Copies the voxels into `out`, which must hold at least voxel_count() floats. */
    void copy_voxels(View<float> out) const {
        detail::check(uvs_volume_copy_data(get(), out.data(), static_cast<int64_t>(out.size())));
    }

    /* Writes a label map on this grid to a .nii or .nii.gz file (uvs_volume_write_label_map). */
    void write_label_map(View<const float> labels, const std::string &path) const {
        detail::check(uvs_volume_write_label_map(get(), labels.data(), checked_count(labels.size()),
                                                 path.c_str()));
    }

    /* Writes maps.size() / voxel_count() probability maps on this grid, map after map
     * (uvs_volume_write_probability_maps). */
    void write_probability_maps(View<const float> maps, const std::string &path) const {
        const auto per_map = static_cast<std::size_t>(voxel_count());
        if (maps.empty() || maps.size() % per_map != 0)
            detail::invalid_argument("maps must hold a whole number (>= 1) of maps of " +
                                     std::to_string(per_map) + " voxels");
        detail::check(uvs_volume_write_probability_maps(
            get(), maps.data(), detail::to_int32(maps.size() / per_map, "the map count"),
            static_cast<int64_t>(per_map), path.c_str()));
    }

    /* The C handle, for calls this wrapper does not cover. The Volume keeps ownership. */
    const uvs_volume *get() const noexcept { return volume_.get(); }

private:
    /* A length that must be this volume's voxel count. */
    int64_t checked_count(std::size_t size) const {
        if (size != static_cast<std::size_t>(voxel_count()))
            detail::invalid_argument("expected " + std::to_string(voxel_count()) + " voxels, got " +
                                     std::to_string(size));
        return static_cast<int64_t>(size);
    }

    detail::Owned<uvs_volume, uvs_volume_free> volume_;
};

/* ==== Metrics and post-processing ============================================================= */

/* How a prediction of one label agrees with the truth: uvs_metrics, with struct_size set. */
using Metrics = uvs_metrics;

/* Compares the voxels of `label` in two label maps on the same grid (uvs_evaluate). */
inline Metrics evaluate(const Volume &prediction, const Volume &truth, int32_t label = 1) {
    Metrics metrics{};
    metrics.struct_size = sizeof metrics;
    detail::check(uvs_evaluate(prediction.get(), truth.get(), label, &metrics));
    return metrics;
}

/* A copy of `labels` keeping each label's largest component (uvs_labels_keep_largest_components);
 * connectivity 6 or 26. */
inline Volume keep_largest_components(const Volume &labels, int32_t connectivity = 26) {
    uvs_volume *result = nullptr;
    detail::check(uvs_labels_keep_largest_components(labels.get(), connectivity, &result));
    return Volume(result);
}

/* A copy of `labels` with each label's enclosed holes filled (uvs_labels_fill_holes). */
inline Volume fill_holes(const Volume &labels) {
    uvs_volume *result = nullptr;
    detail::check(uvs_labels_fill_holes(labels.get(), &result));
    return Volume(result);
}

/* ==== Options ================================================================================= */

/*
 * Settings for volume segmentation and validation (uvs_options), holding the defaults when made.
 * Used by one thread at a time; movable, not copyable.
 */
class Options {
public:
    /*
     * Receives the fraction done in [0, 1] and a stage name; returns true to go on, false to
     * cancel (the call then throws uvseg::Error with UVS_ERROR_CANCELLED). An exception it throws
     * cancels the call too and is rethrown from it.
     */
    using Progress = std::function<bool(double fraction, const char *stage)>;

    Options() {
        uvs_options *options = nullptr;
        detail::check(uvs_options_create(&options));
        options_.reset(options);
    }

    /*
     * Calls one uvs_options_set_* function of uvseg.h with these options and `values`; throws
     * uvseg::Error for a value out of range. Returns *this, so settings chain:
     *     options.set(uvs_options_set_plane, UVS_PLANE_ALL).set(uvs_options_set_ensemble, 3);
     */
    template <class... Parameters, class... Values>
    Options &set(uvs_status (*setter)(uvs_options *, Parameters...), Values &&...values) {
        detail::check(setter(options_.get(), std::forward<Values>(values)...));
        return *this;
    }

    /* Sets the progress callback (uvs_options_set_progress); an empty function removes it. */
    Options &set_progress(Progress progress) {
        state_->progress = std::move(progress);
        detail::check(uvs_options_set_progress(options_.get(), state_->progress ? &relay : nullptr,
                                               state_.get()));
        return *this;
    }

    /* Runs one C call that takes these options; rethrows an exception of the progress callback
     * in preference to the cancellation it caused. For wrappers of calls taking uvs_options. */
    template <class Call>
    void run(Call &&call) const {
        state_->failure = nullptr;
        const uvs_status status = std::forward<Call>(call)(options_.get());
        if (state_->failure) std::rethrow_exception(std::exchange(state_->failure, nullptr));
        detail::check(status);
    }

    /* The C handle. The Options keep ownership. */
    const uvs_options *get() const noexcept { return options_.get(); }

private:
    /* Kept on the heap so the pointer given to the library survives moves of the Options. */
    struct State {
        Progress progress;
        std::exception_ptr failure;
    };

    static int relay(double fraction, const char *stage, void *user_data) noexcept {
        auto *state = static_cast<State *>(user_data);
        try {
            return state->progress(fraction, stage ? stage : "") ? 0 : 1;
        } catch (...) {
            state->failure = std::current_exception();  // never let it unwind through C
            return 1;
        }
    }

    detail::Owned<uvs_options, uvs_options_free> options_;
    std::unique_ptr<State> state_ = std::make_unique<State>();
};

/* ==== Volume segmentation ===================================================================== */

/* One segmented label: its value and its float32 probability volume on the query's grid. */
struct LabelProbabilities {
    int32_t label;
    Volume probabilities;
};

/* How well one support volume lined up with the query (uvs_segmentation_alignment). */
struct Alignment {
    double affine_similarity;
    double similarity;
};

/*
 * The result of segment() (uvs_segmentation): a label map and one probability volume per label,
 * on the query's grid with the query's header. Volumes taken from it stay valid after it is gone.
 */
class Segmentation {
public:
    /* Takes ownership of a handle from the C interface. */
    explicit Segmentation(uvs_segmentation *result) : result_(result) {}

    /* The label map, a new volume (uvs_segmentation_label_map). */
    Volume label_map() const {
        uvs_volume *volume = nullptr;
        detail::check(uvs_segmentation_label_map(result_.get(), &volume));
        return Volume(volume);
    }

    /* How many labels were segmented (uvs_segmentation_label_count). */
    int32_t label_count() const noexcept { return uvs_segmentation_label_count(result_.get()); }

    /* Segmented label number `index`, 0 .. label_count() - 1 (uvs_segmentation_probabilities). */
    LabelProbabilities probabilities(int32_t index) const {
        int32_t label = 0;
        uvs_volume *volume = nullptr;
        detail::check(uvs_segmentation_probabilities(result_.get(), index, &label, &volume));
        return {label, Volume(volume)};
    }

    /* Per support volume, in order, how well it lined up with the query; empty without alignment
     * (uvs_segmentation_alignment_count, uvs_segmentation_alignment). */
    std::vector<Alignment> alignments() const {
        std::vector<Alignment> alignments(static_cast<size_t>(uvs_segmentation_alignment_count(result_.get())));
        for (size_t index = 0; index < alignments.size(); ++index) {
            detail::check(uvs_segmentation_alignment(result_.get(), static_cast<int32_t>(index),
                                                     &alignments[index].affine_similarity,
                                                     &alignments[index].similarity));
        }
        return alignments;
    }

    const uvs_segmentation *get() const noexcept { return result_.get(); }

private:
    detail::Owned<uvs_segmentation, uvs_segmentation_free> result_;
};

namespace detail {
/* The handles of a range of Volumes (or of std::reference_wrapper<const Volume>). */
template <class Volumes>
std::vector<const uvs_volume *> handles(const Volumes &volumes) {
    std::vector<const uvs_volume *> handles;
    for (const Volume &volume : volumes) handles.push_back(volume.get());
    return handles;
}
} /* namespace detail */

/*
 * Segments `query` from labelled support volumes (uvs_segment_volume): support_labels[i] is the
 * label map of support_images[i]. Each is a range of uvseg::Volume, e.g. a std::vector<Volume>,
 * or of std::reference_wrapper<const Volume> to use volumes owned elsewhere (a subset of cases).
 * Throws uvseg::Error (UVS_ERROR_CANCELLED when the progress callback of `options` returned
 * false; its own exception when it threw one).
 */
template <class Volumes>
Segmentation segment(const Model &model, const Volume &query, const Volumes &support_images,
                     const Volumes &support_labels, const Options &options) {
    const auto images = detail::handles(support_images), labels = detail::handles(support_labels);
    if (images.size() != labels.size())
        detail::invalid_argument("support_images and support_labels must be equally long");
    uvs_segmentation *result = nullptr;
    options.run([&](const uvs_options *settings) {
        return uvs_segment_volume(model.get(), query.get(), images.data(), labels.data(),
                                  detail::to_int32(images.size(), "the support count"), settings, &result);
    });
    return Segmentation(result);
}

/* As above, with the default settings. */
template <class Volumes>
Segmentation segment(const Model &model, const Volume &query, const Volumes &support_images,
                     const Volumes &support_labels) {
    return segment(model, query, support_images, support_labels, Options());
}

/* ==== Local validation ======================================================================== */

/* The report of validate() (uvs_validation). Movable, not copyable. */
class Validation {
public:
    /* Takes ownership of a handle from the C interface. */
    explicit Validation(uvs_validation *validation) : validation_(validation) {}

    /* The whole report as the JSON object `uvseg validate --json` prints (uvs_validation_json). */
    std::string json() const {
        const char *text = uvs_validation_json(validation_.get());
        return text ? text : "";
    }

    /* The mean Dice over the cases of one support size and label (uvs_validation_mean_dice). */
    double mean_dice(int32_t support_size, int32_t label = 1) const {
        double mean = 0;
        detail::check(uvs_validation_mean_dice(validation_.get(), support_size, label, &mean));
        return mean;
    }

    const uvs_validation *get() const noexcept { return validation_.get(); }

private:
    detail::Owned<uvs_validation, uvs_validation_free> validation_;
};

/*
 * Leave-one-out validation on labelled cases (uvs_validate): at each support size, each case is
 * segmented from the others only and compared with its own labels. images and labels are ranges
 * of uvseg::Volume (or std::reference_wrapper<const Volume>), labels[i] the label map of
 * images[i]. Throws uvseg::Error.
 */
template <class Volumes>
Validation validate(const Model &model, const Volumes &images, const Volumes &labels,
                    View<const int32_t> support_sizes, const Options &options) {
    const auto image_handles = detail::handles(images), label_handles = detail::handles(labels);
    if (image_handles.size() != label_handles.size())
        detail::invalid_argument("images and labels must be equally long");
    uvs_validation *validation = nullptr;
    options.run([&](const uvs_options *settings) {
        return uvs_validate(model.get(), image_handles.data(), label_handles.data(),
                            detail::to_int32(image_handles.size(), "the case count"), support_sizes.data(),
                            detail::to_int32(support_sizes.size(), "the support size count"), settings,
                            &validation);
    });
    return Validation(validation);
}

/* As above, with the default settings. */
template <class Volumes>
Validation validate(const Model &model, const Volumes &images, const Volumes &labels,
                    View<const int32_t> support_sizes) {
    return validate(model, images, labels, support_sizes, Options());
}

} /* namespace uvseg */

#endif /* UVSEG_HPP */
