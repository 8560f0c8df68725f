#include "store/database.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "store/statement.h"
#include "store/transaction.h"
#include "temp_dir.h"

namespace nta {
namespace {

using test::TempDir;

std::string pragma_text(Database& db, const char* sql) {
  Statement s = db.prepare(sql);
  return s.step() ? s.column_text(0) : std::string();
}

TEST(Database, CreatesFileWithWalForeignKeysAndBusyTimeout) {
  TempDir dir;
  const std::string path = dir.file("a.db");
  Database db = Database::open(path, OpenMode::kCreate);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(pragma_text(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma_text(db, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(pragma_text(db, "PRAGMA busy_timeout"), "5000");
  EXPECT_EQ(db.path(), path);
  EXPECT_FALSE(db.read_only());
}

TEST(Database, MissingFileIsNotFoundUnlessCreating) {
  TempDir dir;
  const std::string path = dir.file("missing.db");
  for (OpenMode mode : {OpenMode::kExisting, OpenMode::kReadOnly}) {
    try {
      (void)Database::open(path, mode);
      FAIL() << "opened a missing file";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Database, TextFileIsDamagedInputNamingTheFile) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << "this is not a database, just some text that is long enough to fill a header page.\n";
  try {
    (void)Database::open(path, OpenMode::kExisting);
    FAIL() << "opened a text file";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("not an SQLite database"), std::string::npos) << message;
  }
}

TEST(Database, UnwritableDirectoryIsAnIoErrorNamingTheFile) {
  try {
    (void)Database::open("/proc/nta-cannot-write-here/x.db", OpenMode::kCreate);
    FAIL() << "created a database under /proc";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/proc/nta-cannot-write-here/x.db"), std::string::npos) << e.what();
  }
}

TEST(Statement, BindsAndReadsEveryType) {
  TempDir dir;
  Database db = Database::open(dir.file("t.db"), OpenMode::kCreate);
  db.exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, n TEXT)");
  Statement insert = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  const std::string with_nul("a\0b", 3);
  insert.bind_int(1, -(std::int64_t{1} << 40)).bind_double(2, 0.25).bind_text(3, with_nul).bind_null(4);
  insert.run();
  EXPECT_EQ(db.changes(), 1);
  EXPECT_EQ(db.last_insert_rowid(), 1);
  insert.bind_int_or_null(1, std::nullopt).bind_double(2, 1.5).bind_text_or_null(3, "").bind_text_or_null(4, "x");
  insert.run();

  Statement select = db.prepare("SELECT i, d, s, n FROM t ORDER BY rowid");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), -(std::int64_t{1} << 40));
  EXPECT_DOUBLE_EQ(select.column_double(1), 0.25);
  EXPECT_EQ(select.column_text(2), with_nul);
  EXPECT_TRUE(select.column_is_null(3));
  EXPECT_EQ(select.column_text(3), "");
  ASSERT_TRUE(select.step());
  EXPECT_FALSE(select.column_int_or_null(0).has_value());
  EXPECT_TRUE(select.column_is_null(2));
  EXPECT_EQ(select.column_text(3), "x");
  EXPECT_FALSE(select.step());
}

TEST(Statement, BadSqlNamesTheDatabase) {
  TempDir dir;
  const std::string path = dir.file("t.db");
  Database db = Database::open(path, OpenMode::kCreate);
  try {
    (void)db.prepare("SELEKT nothing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  db.exec("CREATE TABLE u (x INTEGER UNIQUE)");
  db.exec("INSERT INTO u VALUES (1)");
  Statement s = db.prepare("INSERT INTO u VALUES (1)");
  EXPECT_THROW(s.run(), Error);
}

TEST(Transaction, RollsBackWhenLeftWithoutCommit) {
  TempDir dir;
  Database db = Database::open(dir.file("t.db"), OpenMode::kCreate);
  db.exec("CREATE TABLE t (x INTEGER)");
  try {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("halfway");
  } catch (const std::runtime_error&) {
  }
  {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  Statement s = db.prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_text(0), "2");
}

TEST(Database, ReadOnlyHandleCannotWrite) {
  TempDir dir;
  const std::string path = dir.file("t.db");
  {
    Database db = Database::open(path, OpenMode::kCreate);
    db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)");
  }
  Database ro = Database::open(path, OpenMode::kReadOnly);
  EXPECT_TRUE(ro.read_only());
  Statement s = ro.prepare("SELECT x FROM t");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.column_int(0), 7);
  try {
    ro.exec("INSERT INTO t VALUES (8)");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kPermission) << e.what();
  }
}

TEST(Database, MovedHandleStaysUsable) {
  TempDir dir;
  Database a = Database::open(dir.file("t.db"), OpenMode::kCreate);
  Database b = std::move(a);
  b.exec("CREATE TABLE t (x INTEGER)");
  EXPECT_EQ(b.schema_object_count(), 1);
}

}  // namespace
}  // namespace nta
