// Plain driver for a fuzz target: runs LLVMFuzzerTestOneInput once on every file of the corpus
// directories (or files) given on the command line, in sorted order, and prints how many ran.
// Linked with each tests/fuzz/<name>/fuzz_<name>.cc as fuzz_replay_<name> for the fuzz-replay
// CTest label, so CI replays the corpora with the normal compiler and no libFuzzer. A crash,
// sanitizer report or abort in the target fails the test; an empty corpus is an error too.
//
// `--mutate SECONDS [--seed N]` then keeps going for SECONDS with blind mutations of the corpus
// (bit flips, random bytes, interesting integers, inserted / erased / duplicated runs,
// truncation, splices of two inputs; splitmix64 from the seed, so a run is repeatable). It is
// not coverage-guided — libFuzzer (scripts/fuzz.sh) is the real fuzzer — but it lets CI run
// every target briefly under the sanitizers of whatever tree built it, with no second compiler.
// Each input is written to `<TMPDIR>/fuzz_mutate_<pid>.last` before it runs, so the one that
// crashed can be copied into the corpus.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& arg, std::vector<fs::path>* files) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    files->push_back(arg);
    return true;
  }
  fs::directory_iterator it(arg, ec);
  if (ec) {
    std::fprintf(stderr, "fuzz replay: %s: %s\n", arg.c_str(), ec.message().c_str());
    return false;
  }
  for (const auto& entry : it) {
    if (entry.is_regular_file(ec)) files->push_back(entry.path());
  }
  return true;
}

class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }

 private:
  uint64_t state_;
};

constexpr size_t kMaxMutatedBytes = 1 << 20;

void mutate_once(std::vector<uint8_t>* b, const std::vector<uint8_t>& other, SplitMix* rng) {
  static constexpr uint32_t kInteresting[] = {0,          1,          0x7f,       0x80,
                                              0xff,       0x7fff,     0x8000,     0xffff,
                                              0x7fffffff, 0x80000000, 0xffffffff, 16,
                                              64,         255,        1024,       4096};
  const size_t n = b->size();
  switch (rng->below(8)) {
    case 0:  // flip a bit
      if (n > 0) (*b)[rng->below(n)] ^= static_cast<uint8_t>(1u << rng->below(8));
      break;
    case 1:  // random byte
      if (n > 0) (*b)[rng->below(n)] = static_cast<uint8_t>(rng->next());
      break;
    case 2: {  // interesting little-endian integer
      const uint32_t v = kInteresting[rng->below(std::size(kInteresting))];
      const size_t width = size_t{1} << rng->below(3);
      if (n >= width) std::memcpy(b->data() + rng->below(n - width + 1), &v, width);
      break;
    }
    case 3: {  // insert random bytes
      const size_t count = 1 + rng->below(16);
      std::vector<uint8_t> ins(count);
      for (uint8_t& x : ins) x = static_cast<uint8_t>(rng->next());
      b->insert(b->begin() + static_cast<std::ptrdiff_t>(rng->below(n + 1)), ins.begin(),
                ins.end());
      break;
    }
    case 4:  // erase a run
      if (n > 0) {
        const size_t at = rng->below(n), count = 1 + rng->below(std::min<size_t>(n - at, 64));
        b->erase(b->begin() + static_cast<std::ptrdiff_t>(at),
                 b->begin() + static_cast<std::ptrdiff_t>(at + count));
      }
      break;
    case 5:  // truncate
      b->resize(rng->below(n + 1));
      break;
    case 6:  // duplicate a run in place
      if (n > 0) {
        const size_t at = rng->below(n), count = 1 + rng->below(std::min<size_t>(n - at, 64));
        std::vector<uint8_t> run(b->begin() + static_cast<std::ptrdiff_t>(at),
                                 b->begin() + static_cast<std::ptrdiff_t>(at + count));
        b->insert(b->begin() + static_cast<std::ptrdiff_t>(rng->below(n + 1)), run.begin(),
                  run.end());
      }
      break;
    default:  // splice: our head, the other input's tail
      if (!other.empty()) {
        b->resize(rng->below(n + 1));
        const size_t from = rng->below(other.size());
        b->insert(b->end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
      }
      break;
  }
  if (b->size() > kMaxMutatedBytes) b->resize(kMaxMutatedBytes);
}

// Runs mutated corpus inputs until `seconds` have passed; returns the number of executions.
uint64_t mutate_run(const std::vector<std::vector<uint8_t>>& corpus, double seconds,
                    uint64_t seed) {
  SplitMix rng(seed);
  const char* tmp = std::getenv("TMPDIR");
  const std::string last = std::string(tmp != nullptr && *tmp != 0 ? tmp : "/tmp") +
                           "/fuzz_mutate_" + std::to_string(::getpid()) + ".last";
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  uint64_t runs = 0;
  while (std::chrono::steady_clock::now() < end) {
    std::vector<uint8_t> input = corpus[rng.below(corpus.size())];
    const std::vector<uint8_t>& other = corpus[rng.below(corpus.size())];
    const size_t steps = 1 + rng.below(4);
    for (size_t i = 0; i < steps; ++i) mutate_once(&input, other, &rng);
    if (std::FILE* f = std::fopen(last.c_str(), "wb")) {
      if (!input.empty()) std::fwrite(input.data(), 1, input.size(), f);
      std::fclose(f);
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
    ++runs;
  }
  std::remove(last.c_str());
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  double mutate_seconds = 0;
  uint64_t seed = 1;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--mutate" || arg == "--seed") && i + 1 < argc) {
      char* end = nullptr;
      const char* value = argv[++i];
      if (arg == "--mutate") {
        mutate_seconds = std::strtod(value, &end);
      } else {
        seed = std::strtoull(value, &end, 10);
      }
      if (end == value || *end != 0 || mutate_seconds < 0) {
        std::fprintf(stderr, "fuzz replay: %s: '%s' is not a number\n", arg.c_str(), value);
        return 2;
      }
      continue;
    }
    if (!collect(arg, &files)) return 2;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s [--mutate SECONDS [--seed N]] CORPUS_DIR_OR_FILE...\n",
                 argv[0]);
    return 2;
  }
  if (files.empty()) {
    std::fprintf(stderr, "fuzz replay: no input files\n");
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::vector<uint8_t>> corpus;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "fuzz replay: cannot read %s\n", f.c_str());
      return 2;
    }
    std::fprintf(stderr, "fuzz replay: %s (%zu bytes)\n", f.filename().c_str(), bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    corpus.push_back(std::move(bytes));
  }
  std::printf("fuzz replay: %zu inputs ran\n", files.size());
  if (mutate_seconds > 0) {
    const uint64_t runs = mutate_run(corpus, mutate_seconds, seed);
    std::printf("fuzz replay: %llu mutated inputs ran in %.0f s (seed %llu), no finding\n",
                static_cast<unsigned long long>(runs), mutate_seconds,
                static_cast<unsigned long long>(seed));
  }
  return 0;
}
