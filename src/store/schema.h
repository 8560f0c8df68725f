#pragma once
// The nta database schema as an ordered list of migrations. PRAGMA user_version holds the number
// of steps applied; opening runs the missing ones, each in its own transaction. Steps are only
// ever appended (a released step is never edited), so every database reaches the same schema
// whatever version it started from. A database written by a newer nta (user_version above what
// this binary knows) is refused rather than guessed at. docs/assets.md has the policy.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "store/database.h"

namespace nta {

struct Migration {
  std::int64_t version;          // 1, 2, 3, ... : the user_version after this step
  std::string_view description;  // one line, shown in errors
  std::string_view sql;
};

// PRAGMA application_id of nta databases ("NTA1"): refuses to write into someone else's SQLite file.
inline constexpr std::int64_t kNtaApplicationId = 0x4E544131;

[[nodiscard]] std::span<const Migration> schema_migrations() noexcept;
[[nodiscard]] std::int64_t latest_schema_version() noexcept;

// Brings `db` up to the latest schema (a fresh file gets every step). Throws kInput for a file
// that is not an nta database or is newer than this binary; a read-only handle that needs
// migrating is refused (kUsage) without touching the file.
void migrate(Database& db);
// For tests: the same with an explicit migration list.
void migrate(Database& db, std::span<const Migration> steps);

// Database::open + migrate: how every command opens the store.
[[nodiscard]] Database open_store(const std::string& path, OpenMode mode);

}  // namespace nta
