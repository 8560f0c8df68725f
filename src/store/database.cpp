#include "store/database.h"

#include <fmt/core.h>
#include <sqlite3.h>

#include <filesystem>
#include <system_error>
#include <utility>

#include "core/error.h"
#include "store/statement.h"

namespace nta {
namespace {

// Long enough for another nta finishing an import; short enough that a stuck lock is reported.
constexpr int kBusyTimeoutMs = 5000;

ErrorKind kind_for(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return ErrorKind::kInput;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return ErrorKind::kPermission;
    default: return ErrorKind::kIo;
  }
}

std::string_view hint_for(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return " (another process holds the lock; try again when it has finished)";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return " (the file is not an SQLite database, or it is damaged)";
    case SQLITE_FULL: return " (the disk is full)";
    case SQLITE_READONLY:
    case SQLITE_PERM: return " (no permission to write the file or its directory)";
    default: return "";
  }
}

}  // namespace

Database::Database(sqlite3* db, std::string path, OpenMode mode) noexcept
    : db_(db), path_(std::move(path)), mode_(mode) {}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)), mode_(other.mode_) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    mode_ = other.mode_;
  }
  return *this;
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Database Database::open(const std::string& path, OpenMode mode) {
  if (path.empty()) throw Error(ErrorKind::kUsage, "the database file name is empty");
  if (mode != OpenMode::kCreate) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      throw Error(ErrorKind::kNotFound,
                  fmt::format("database '{}' does not exist; create it with 'nta scan' or 'nta assets import'", path));
    }
  }
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw, path, mode);
  if (rc != SQLITE_OK) {
    if (raw == nullptr) {
      throw Error(ErrorKind::kIo, fmt::format("database '{}': cannot open: {}", path, sqlite3_errstr(rc)));
    }
    db.fail("cannot open", rc);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // The first statements read the header: a file that is not a database fails here.
  db.exec("PRAGMA foreign_keys = ON");
  if (mode != OpenMode::kReadOnly) {
    // WAL: readers (a dashboard, `nta assets`) never block an import. NORMAL sync is safe in WAL
    // mode (a power loss can lose the last commit, never corrupt the file).
    Statement wal = db.prepare("PRAGMA journal_mode = WAL");
    wal.step();
    db.exec("PRAGMA synchronous = NORMAL");
    // A large import is one transaction: a 32 MiB page cache keeps it from spilling pages early.
    db.exec("PRAGMA cache_size = -32768");
  } else {
    (void)db.schema_object_count();
  }
  return db;
}

void Database::fail(std::string_view what, int rc) const {
  const char* detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  throw Error(kind_for(rc), fmt::format("database '{}': {}: {}{}", path_, what, detail, hint_for(rc)));
}

void Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    const std::string first_line = text.substr(0, text.find('\n'));
    throw Error(kind_for(rc), fmt::format("database '{}': '{}' failed: {}{}", path_, first_line.substr(0, 80),
                                          detail, hint_for(rc)));
  }
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK) fail(fmt::format("cannot prepare '{}'", sql.substr(0, 80)), rc);
  return {*this, stmt};
}

std::int64_t Database::last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }
std::int64_t Database::changes() const noexcept { return sqlite3_changes64(db_); }

std::int64_t Database::pragma_int(const char* sql) {
  Statement s = prepare(sql);
  return s.step() ? s.column_int(0) : 0;
}

std::int64_t Database::user_version() { return pragma_int("PRAGMA user_version"); }
std::int64_t Database::application_id() { return pragma_int("PRAGMA application_id"); }
std::int64_t Database::schema_object_count() { return pragma_int("SELECT count(*) FROM sqlite_schema"); }

void Database::set_user_version(std::int64_t version) {
  exec(fmt::format("PRAGMA user_version = {}", version));
}

void Database::set_application_id(std::int64_t id) {
  exec(fmt::format("PRAGMA application_id = {}", id));
}

}  // namespace nta
