#include "store/schema.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "store/statement.h"
#include "temp_dir.h"

namespace nta {
namespace {

using test::TempDir;

bool has_table(Database& db, const std::string& name) {
  Statement s = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = ?1");
  s.bind_text(1, name);
  return s.step();
}

TEST(Schema, MigrationsAreNumberedOneByOne) {
  const auto steps = schema_migrations();
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].version, static_cast<std::int64_t>(i + 1));
    EXPECT_FALSE(steps[i].description.empty());
    EXPECT_FALSE(steps[i].sql.empty());
  }
  EXPECT_EQ(latest_schema_version(), steps.back().version);
}

TEST(Schema, FreshDatabaseGetsEveryStepAndTheNtaMark) {
  TempDir dir;
  Database db = open_store(dir.file("nta.db"), OpenMode::kCreate);
  EXPECT_EQ(db.user_version(), latest_schema_version());
  EXPECT_EQ(db.application_id(), kNtaApplicationId);
  for (const char* table : {"scans", "scan_coverage", "scan_targets", "hosts", "host_observations", "host_addresses",
                            "host_names", "ports", "port_cpes", "extra_ports", "os_matches", "scripts",
                            "current_hosts", "current_ports"}) {
    EXPECT_TRUE(has_table(db, table)) << table;
  }
}

TEST(Schema, ReopeningKeepsDataAndChangesNothing) {
  TempDir dir;
  const std::string path = dir.file("nta.db");
  std::int64_t objects = 0;
  {
    Database db = open_store(path, OpenMode::kCreate);
    db.exec("INSERT INTO scans (scanner, scanner_version, args, started_at, exit_status, source, source_sha1, "
            "imported_at, hosts_up, hosts_down) VALUES ('nmap', '7.93', 'nmap x', 1, 'success', 'f', 'abc', 2, 0, 0)");
    objects = db.schema_object_count();
  }
  Database db = open_store(path, OpenMode::kExisting);
  EXPECT_EQ(db.schema_object_count(), objects);
  Statement s = db.prepare("SELECT count(*) FROM scans");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int(0), 1);
}

TEST(Schema, NewerDatabaseIsRefusedClearly) {
  TempDir dir;
  const std::string path = dir.file("nta.db");
  {
    Database db = open_store(path, OpenMode::kCreate);
    db.set_user_version(latest_schema_version() + 1);
  }
  try {
    (void)open_store(path, OpenMode::kExisting);
    FAIL() << "opened a database from the future";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    const std::string m = e.what();
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("newer than this nta"), std::string::npos) << m;
    EXPECT_NE(m.find(std::to_string(latest_schema_version() + 1)), std::string::npos) << m;
  }
  Database raw = Database::open(path, OpenMode::kExisting);
  EXPECT_EQ(raw.user_version(), latest_schema_version() + 1) << "the refused file must stay as it was";
}

TEST(Schema, ForeignDatabasesAreLeftAlone) {
  TempDir dir;
  const std::string other = dir.file("other.db");
  {
    Database db = Database::open(other, OpenMode::kCreate);
    db.exec("CREATE TABLE customers (name TEXT)");
  }
  EXPECT_THROW((void)open_store(other, OpenMode::kExisting), Error);
  const std::string marked = dir.file("marked.db");
  {
    Database db = Database::open(marked, OpenMode::kCreate);
    db.set_application_id(0x12345678);
  }
  try {
    (void)open_store(marked, OpenMode::kExisting);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("0x12345678"), std::string::npos) << e.what();
  }
  Database db = Database::open(other, OpenMode::kExisting);
  EXPECT_EQ(db.user_version(), 0);
  EXPECT_FALSE(has_table(db, "hosts"));
}

TEST(Schema, AppendedStepsRunOnlyOnceAndInOrder) {
  TempDir dir;
  const std::string path = dir.file("nta.db");
  const Migration v1[] = {{1, "first", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"}};
  const Migration v2[] = {{1, "first", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
                          {2, "second", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (2);"}};
  {
    Database db = Database::open(path, OpenMode::kCreate);
    migrate(db, v1);
    EXPECT_EQ(db.user_version(), 1);
  }
  Database db = Database::open(path, OpenMode::kExisting);
  migrate(db, v2);
  migrate(db, v2);
  EXPECT_EQ(db.user_version(), 2);
  EXPECT_TRUE(has_table(db, "b"));
  Statement s = db.prepare("SELECT group_concat(x) FROM a");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_text(0), "1,2");
}

TEST(Schema, FailingStepRollsBackToThePreviousVersion) {
  TempDir dir;
  const std::string path = dir.file("nta.db");
  const Migration steps[] = {{1, "first", "CREATE TABLE a (x INTEGER);"},
                             {2, "broken", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"}};
  Database db = Database::open(path, OpenMode::kCreate);
  try {
    migrate(db, steps);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 2 (broken)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(db.user_version(), 1);
  EXPECT_TRUE(has_table(db, "a"));
  EXPECT_FALSE(has_table(db, "b"));
}

TEST(Schema, ReadOnlyOutdatedDatabaseIsNotMigrated) {
  TempDir dir;
  const std::string path = dir.file("nta.db");
  const Migration v1[] = {{1, "first", "CREATE TABLE a (x INTEGER);"}};
  const Migration v2[] = {{1, "first", "CREATE TABLE a (x INTEGER);"}, {2, "second", "CREATE TABLE b (y INTEGER);"}};
  {
    Database db = Database::open(path, OpenMode::kCreate);
    migrate(db, v1);
  }
  Database ro = Database::open(path, OpenMode::kReadOnly);
  try {
    migrate(ro, v2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  }
  EXPECT_EQ(ro.user_version(), 1);
}

}  // namespace
}  // namespace nta
