// The run journal: atomic task files, fresh vs resumed runs, refusing a foreign journal.

#include "framework/experiment/journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace qexp::exp {
namespace {

namespace fs = std::filesystem;

RunRecord record(const std::string& hash) { return RunRecord{hash, "/x/c.yaml", {}, {}}; }

std::string fresh_dir(const std::string& name) {
  auto d = fs::path(QEXP_BINARY_DIR) / "Testing" / "journal_test" / name;
  fs::remove_all(d);
  return d.string();
}

TEST(Journal, ResumeSeesFinishedTasksAndAFreshRunForgetsThem) {
  const std::string dir = fresh_dir("resume");
  {
    auto j = Journal::open(dir, record("hash-a"), JournalMode::kFresh);
    ASSERT_TRUE(j.ok()) << j.status().message();
    EXPECT_FALSE(j.value().load("variant-x.json").has_value());
    ASSERT_TRUE(j.value().save("variant-x.json", "{\"a\": 1}\n").ok());
    const uint8_t b[] = {1, 2, 3};
    ASSERT_TRUE(j.value().save_bytes("outputs-x.bin", b).ok());
  }
  auto resumed = Journal::open(dir, record("hash-a"), JournalMode::kResume);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed.value().load("variant-x.json").value(), "{\"a\": 1}\n");
  EXPECT_EQ(resumed.value().load_bytes("outputs-x.bin").value(), (std::vector<uint8_t>{1, 2, 3}));
  auto fresh = Journal::open(dir, record("hash-a"), JournalMode::kFresh);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh.value().load("variant-x.json").has_value());
}

TEST(Journal, ResumingAnotherConfigsJournalIsAnError) {
  const std::string dir = fresh_dir("foreign");
  ASSERT_TRUE(Journal::open(dir, record("hash-a"), JournalMode::kFresh).ok());
  auto j = Journal::open(dir, record("hash-b"), JournalMode::kResume);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("holds a run of a different config"), std::string::npos);
  EXPECT_TRUE(Journal::open(dir, record("hash-b"), JournalMode::kFresh).ok());  // without --resume it starts over
}

TEST(Journal, RecordRoundTripsAndAbsorbCopiesOnlyMissingTasks) {
  const std::string a = fresh_dir("absorb_a"), b = fresh_dir("absorb_b");
  RunRecord r{"hash-a", "/abs/configs/x.yaml", {"dataset.limit=5"}, {"/p/lib.so"}};
  auto ja = Journal::open(a, r, JournalMode::kShared);
  auto jb = Journal::open(b, r, JournalMode::kShared);
  ASSERT_TRUE(ja.ok() && jb.ok());
  auto back = Journal::read_record(b);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->config_path, r.config_path);
  EXPECT_EQ(back->overrides, r.overrides);
  EXPECT_EQ(back->plugin_files, r.plugin_files);
  ASSERT_TRUE(ja->save("eval-x-0.json", "{\"from\": \"a\"}\n").ok());
  ASSERT_TRUE(jb->save("eval-x-0.json", "{\"from\": \"b\"}\n").ok());
  ASSERT_TRUE(jb->save("eval-x-1.json", "{}\n").ok());
  auto n = ja->absorb(b, "hash-a");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(ja->load("eval-x-0.json").value(), "{\"from\": \"a\"}\n");
  EXPECT_TRUE(ja->has("eval-x-1.json"));
  auto other = ja->absorb(b, "hash-z");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("different config"), std::string::npos);
  EXPECT_FALSE(Journal::read_record(fresh_dir("absorb_none")).ok());
}

TEST(Journal, MalformedRecordsAreDataLossErrorsNotCrashes) {
  const std::string dir = fresh_dir("malformed");
  fs::create_directories(dir + "/tasks");
  for (const char* text :
       {"{\"journal_version\": \"1\", \"config_sha256\": \"x\", \"config_path\": \"p\", "
        "\"overrides\": [], \"plugin_files\": []}",
        "{\"journal_version\": 1, \"config_sha256\": 5}", "[1, 2]", "not json", ""}) {
    std::ofstream(dir + "/tasks/run.json") << text;
    auto r = Journal::read_record(dir);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << text;
    EXPECT_NE(r.status().message().find("not a qexp run journal record"), std::string::npos);
  }
}

TEST(Journal, ResumeWithoutAJournalStartsFresh) {
  const std::string dir = fresh_dir("none");
  auto j = Journal::open(dir, record("hash-a"), JournalMode::kResume);
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(fs::exists(dir + "/tasks/run.json"));
}

}  // namespace
}  // namespace qexp::exp
