#pragma once
// A prepared SQLite statement with typed binds (1-based, as SQLite counts parameters) and typed
// column reads (0-based). Reused across rows: bind, step, reset.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace nta {

class Database;

class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) noexcept : db_(&db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind_int(int index, std::int64_t value);
  Statement& bind_double(int index, double value);
  // The text is copied into SQLite, so a temporary is fine.
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_null(int index);
  // NULL when empty / absent.
  Statement& bind_text_or_null(int index, std::string_view value);
  Statement& bind_int_or_null(int index, std::optional<std::int64_t> value);

  // Advances; true while a row is available.
  bool step();
  // Steps a statement that returns no rows, then resets it for the next use.
  void run();
  // Ready for new binds (keeps none of the old ones).
  void reset() noexcept;

  [[nodiscard]] bool column_is_null(int column) const noexcept;
  [[nodiscard]] std::int64_t column_int(int column) const noexcept;
  [[nodiscard]] double column_double(int column) const noexcept;
  // Empty for NULL. The view is valid until the next step or reset.
  [[nodiscard]] std::string_view column_text_view(int column) const noexcept;
  [[nodiscard]] std::string column_text(int column) const { return std::string(column_text_view(column)); }
  [[nodiscard]] std::optional<std::int64_t> column_int_or_null(int column) const noexcept;

 private:
  void check_bind(int rc, int index) const;

  Database* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace nta
