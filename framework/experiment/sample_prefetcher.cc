#include "framework/experiment/sample_prefetcher.h"

#include <algorithm>
#include <utility>

#include "framework/core/strings.h"

namespace qexp::exp {

SamplePrefetcher::SamplePrefetcher(const data::Dataset& dataset, const data::PreprocessSpec& spec,
                                   const std::vector<int64_t>& indices, Shape input_shape,
                                   int loaders, int slots)
    : dataset_(dataset),
      spec_(spec),
      indices_(indices),
      input_shape_(std::move(input_shape)),
      slots_(static_cast<size_t>(std::max(slots, 1))) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].free_for = static_cast<int64_t>(i);
    slots_[i].buffer.resize(static_cast<size_t>(input_shape_.num_elements()));
  }
  for (int i = 0; i < std::max(loaders, 1); ++i) loaders_.emplace_back([this] { loader_loop(); });
}

SamplePrefetcher::~SamplePrefetcher() {
  stop();
  for (std::thread& t : loaders_) t.join();
}

void SamplePrefetcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  free_cv_.notify_all();
  ready_cv_.notify_all();
}

void SamplePrefetcher::loader_loop() {
  const auto total = static_cast<int64_t>(indices_.size());
  const auto num_slots = static_cast<int64_t>(slots_.size());
  for (;;) {
    Slot* slot = nullptr;
    int64_t pos = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stopping_ || next_load_ >= total) return;
      pos = next_load_++;
      slot = &slots_[static_cast<size_t>(pos % num_slots)];
      free_cv_.wait(lock, [&] { return stopping_ || slot->free_for == pos; });
      if (stopping_) return;
    }
    load(pos, slot);  // the slot is this loader's alone until it is marked ready
    {
      std::lock_guard<std::mutex> lock(mu_);
      slot->pos = pos;
      slot->ready = true;
    }
    ready_cv_.notify_all();
  }
}

void SamplePrefetcher::load(int64_t pos, Slot* slot) {
  const int64_t index = indices_[static_cast<size_t>(pos)];
  Loaded& out = slot->loaded;
  out = Loaded{};
  auto sample = dataset_.get(index);
  if (!sample.ok()) {
    out.status = sample.status();
    return;
  }
  out.label = sample->label;
  const Shape& s = sample->image.shape();
  auto want = data::preprocess_output_shape(spec_, s[0], s[1], s[2]);
  if (!want.ok()) {
    out.status = want.status();
    return;
  }
  if (*want != input_shape_) {
    out.status = invalid_argument(str_cat(dataset_.source(index), ": preprocessing gives ",
                                          want->to_string(), " but the model input is ",
                                          input_shape_.to_string()));
    return;
  }
  out.status = data::preprocess_image(sample->image.view(), spec_, slot->buffer);
  if (out.status.ok()) out.input = slot->buffer;
}

const SamplePrefetcher::Loaded* SamplePrefetcher::acquire(int64_t pos) {
  Slot& slot = slots_[static_cast<size_t>(pos % static_cast<int64_t>(slots_.size()))];
  std::unique_lock<std::mutex> lock(mu_);
  ready_cv_.wait(lock, [&] { return stopping_ || (slot.ready && slot.pos == pos); });
  return stopping_ ? nullptr : &slot.loaded;
}

void SamplePrefetcher::release(int64_t pos) {
  const auto num_slots = static_cast<int64_t>(slots_.size());
  Slot& slot = slots_[static_cast<size_t>(pos % num_slots)];
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot.ready = false;
    slot.free_for = pos + num_slots;
  }
  free_cv_.notify_all();
}

}  // namespace qexp::exp
