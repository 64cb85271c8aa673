// SamplePrefetcher: loader threads decode ahead of the consumers; what each position holds
// must not depend on the number of loaders or slots, and errors stay with their position.

#include "framework/experiment/sample_prefetcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "framework/core/strings.h"

namespace qexp::exp {
namespace {

// Sample i is a 2x2 grayscale image of value i % 200, label i % 3; sample 7 is corrupt, and
// every get() sleeps a little (odd indices longer) so loaders finish out of order.
class SlowDataset final : public data::Dataset {
 public:
  int64_t size() const override { return 40; }
  int num_classes() const override { return 3; }
  const std::vector<std::string>& class_names() const override { return names_; }
  Result<data::Sample> get(int64_t index) const override {
    std::this_thread::sleep_for(std::chrono::microseconds(index % 2 == 1 ? 300 : 50));
    if (index == 7) return data_loss(str_cat("slow[7]: corrupt"));
    data::Sample s;
    s.image = Tensor(DType::kUInt8, Shape{2, 2, 1});
    for (int i = 0; i < 4; ++i) s.image.data<uint8_t>()[i] = static_cast<uint8_t>(index % 200);
    s.label = static_cast<int32_t>(index % 3);
    s.index = index;
    return s;
  }
  Result<int32_t> label(int64_t index) const override { return static_cast<int32_t>(index % 3); }
  std::string source(int64_t index) const override { return str_cat("slow[", index, "]"); }
  data::DatasetStats stats() const override { return {}; }

 private:
  std::vector<std::string> names_;
};

struct Seen {
  std::vector<float> first_value;
  std::vector<int32_t> label;
  std::vector<std::string> error;
};

// Two consumers take positions in order (like the evaluator's workers) and record what they got.
Seen consume(const std::vector<int64_t>& indices, int loaders, int slots) {
  SlowDataset dataset;
  data::PreprocessSpec spec;
  SamplePrefetcher prefetcher(dataset, spec, indices, Shape{1, 2, 2, 1}, loaders, slots);
  Seen seen{std::vector<float>(indices.size()), std::vector<int32_t>(indices.size()),
            std::vector<std::string>(indices.size())};
  std::atomic<int64_t> next{0};
  auto body = [&] {
    for (int64_t pos = next++; pos < static_cast<int64_t>(indices.size()); pos = next++) {
      const SamplePrefetcher::Loaded* loaded = prefetcher.acquire(pos);
      if (loaded == nullptr) return;
      const auto p = static_cast<size_t>(pos);
      if (loaded->status.ok()) {
        EXPECT_EQ(loaded->input.size(), 4u);
        seen.first_value[p] = loaded->input[0];
        seen.label[p] = loaded->label;
      } else {
        seen.error[p] = loaded->status.message();
      }
      prefetcher.release(pos);
    }
  };
  std::thread other(body);
  body();
  other.join();
  return seen;
}

TEST(SamplePrefetcher, EveryPositionGetsItsOwnSampleWhateverTheLoadersAndSlots) {
  std::vector<int64_t> indices;
  for (int64_t i = 39; i >= 0; i -= 2) indices.push_back(i);  // 39, 37, …, 1
  indices.push_back(7);
  const Seen expected = consume(indices, 1, 1);
  for (size_t p = 0; p < indices.size(); ++p) {
    if (indices[p] == 7) {
      EXPECT_EQ(expected.error[p], "slow[7]: corrupt");
    } else {
      EXPECT_EQ(expected.first_value[p], static_cast<float>(indices[p])) << "position " << p;
      EXPECT_EQ(expected.label[p], indices[p] % 3);
    }
  }
  for (auto [loaders, slots] : {std::pair{1, 5}, std::pair{3, 2}, std::pair{4, 9}}) {
    const Seen got = consume(indices, loaders, slots);
    EXPECT_EQ(got.first_value, expected.first_value) << loaders << " loaders, " << slots;
    EXPECT_EQ(got.label, expected.label);
    EXPECT_EQ(got.error, expected.error);
  }
}

TEST(SamplePrefetcher, AShapeOtherThanTheModelInputIsAnErrorNamingTheSample) {
  SlowDataset dataset;
  data::PreprocessSpec spec;
  std::vector<int64_t> indices{4};
  SamplePrefetcher prefetcher(dataset, spec, indices, Shape{1, 3, 3, 1}, 1, 1);
  const SamplePrefetcher::Loaded* loaded = prefetcher.acquire(0);
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->status.message(),
            "slow[4]: preprocessing gives [1,2,2,1] but the model input is [1,3,3,1]");
  prefetcher.release(0);
}

TEST(SamplePrefetcher, DestroyingItEarlyStopsTheLoaders) {
  SlowDataset dataset;
  data::PreprocessSpec spec;
  std::vector<int64_t> indices(40);
  for (int64_t i = 0; i < 40; ++i) indices[static_cast<size_t>(i)] = i;
  {
    SamplePrefetcher prefetcher(dataset, spec, indices, Shape{1, 2, 2, 1}, 2, 3);
    ASSERT_NE(prefetcher.acquire(0), nullptr);
    prefetcher.release(0);
  }  // loaders blocked on full slots must be released by the destructor (else: hang)
  SUCCEED();
}

}  // namespace
}  // namespace qexp::exp
