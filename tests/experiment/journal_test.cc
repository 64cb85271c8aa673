// The run journal: atomic task files, fresh vs resumed runs, refusing a foreign journal.

#include "framework/experiment/journal.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace qexp::exp {
namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
  auto d = fs::path(QEXP_BINARY_DIR) / "Testing" / "journal_test" / name;
  fs::remove_all(d);
  return d.string();
}

TEST(Journal, ResumeSeesFinishedTasksAndAFreshRunForgetsThem) {
  const std::string dir = fresh_dir("resume");
  {
    auto j = Journal::open(dir, "hash-a", false);
    ASSERT_TRUE(j.ok()) << j.status().message();
    EXPECT_FALSE(j.value().load("variant-x.json").has_value());
    ASSERT_TRUE(j.value().save("variant-x.json", "{\"a\": 1}\n").ok());
    const uint8_t b[] = {1, 2, 3};
    ASSERT_TRUE(j.value().save_bytes("outputs-x.bin", b).ok());
  }
  auto resumed = Journal::open(dir, "hash-a", true);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed.value().load("variant-x.json").value(), "{\"a\": 1}\n");
  EXPECT_EQ(resumed.value().load_bytes("outputs-x.bin").value(), (std::vector<uint8_t>{1, 2, 3}));
  auto fresh = Journal::open(dir, "hash-a", false);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh.value().load("variant-x.json").has_value());
}

TEST(Journal, ResumingAnotherConfigsJournalIsAnError) {
  const std::string dir = fresh_dir("foreign");
  ASSERT_TRUE(Journal::open(dir, "hash-a", false).ok());
  auto j = Journal::open(dir, "hash-b", true);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("holds a run of a different config"), std::string::npos);
  EXPECT_TRUE(Journal::open(dir, "hash-b", false).ok());  // without --resume it starts over
}

TEST(Journal, ResumeWithoutAJournalStartsFresh) {
  const std::string dir = fresh_dir("none");
  auto j = Journal::open(dir, "hash-a", true);
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(fs::exists(dir + "/tasks/run.json"));
}

}  // namespace
}  // namespace qexp::exp
