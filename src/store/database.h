#pragma once
// A small RAII layer over SQLite: one Database per file, prepared Statements, Transactions.
// SQLite stays private to this module; every failure becomes an nta::Error naming the file.
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace nta {

class Statement;

enum class OpenMode : std::uint8_t {
  kCreate,    // read-write; the file is created when missing
  kExisting,  // read-write; a missing file is an error (kNotFound)
  kReadOnly,  // read-only; a missing file is an error (kNotFound)
};

class Database {
 public:
  // Opens `path` with foreign keys on, a busy timeout (another nta writing waits instead of
  // failing at once) and, when writable, write-ahead logging (readers never block the writer).
  static Database open(const std::string& path, OpenMode mode);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more SQL statements that return no rows.
  void exec(std::string_view sql);
  // Compiles one statement; `sql` must hold exactly one.
  [[nodiscard]] Statement prepare(std::string_view sql);

  [[nodiscard]] std::int64_t last_insert_rowid() const noexcept;
  [[nodiscard]] std::int64_t changes() const noexcept;
  [[nodiscard]] bool read_only() const noexcept { return mode_ == OpenMode::kReadOnly; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  // PRAGMA user_version and application_id: the schema version and the file's owner mark.
  [[nodiscard]] std::int64_t user_version();
  void set_user_version(std::int64_t version);
  [[nodiscard]] std::int64_t application_id();
  void set_application_id(std::int64_t id);
  // Number of tables, views, indexes and triggers in the file (0 for a fresh database).
  [[nodiscard]] std::int64_t schema_object_count();

  // Throws the nta::Error that describes SQLite result `rc` while doing `what`.
  [[noreturn]] void fail(std::string_view what, int rc) const;

  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

 private:
  Database(sqlite3* db, std::string path, OpenMode mode) noexcept;
  [[nodiscard]] std::int64_t pragma_int(const char* sql);

  sqlite3* db_ = nullptr;
  std::string path_;
  OpenMode mode_ = OpenMode::kCreate;
};

}  // namespace nta
