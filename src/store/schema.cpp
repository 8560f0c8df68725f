#include "store/schema.h"

#include <fmt/core.h>

#include "core/error.h"
#include "store/transaction.h"

namespace nta {
namespace {

// Step 1: the asset inventory (issue 7). Every nmap import is one row of `scans`; each host it
// lists is one row of `host_observations` (plus its addresses, names, ports, ...); `hosts` holds
// one row per address with a pointer to its latest observation, the "current view".
// Text columns hold what the scanner wrote (UTF-8, capped at import); times are Unix seconds.
constexpr std::string_view kAssetInventory = R"sql(
CREATE TABLE scans (
  id              INTEGER PRIMARY KEY,
  scanner         TEXT    NOT NULL,
  scanner_version TEXT    NOT NULL,
  args            TEXT    NOT NULL,
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  elapsed         REAL,
  exit_status     TEXT    NOT NULL,
  source          TEXT    NOT NULL,
  source_sha1     TEXT    NOT NULL UNIQUE,
  imported_at     INTEGER NOT NULL,
  hosts_up        INTEGER NOT NULL,
  hosts_down      INTEGER NOT NULL,
  notes           TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE scan_coverage (
  scan_id    INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  scan_type  TEXT    NOT NULL,
  protocol   TEXT    NOT NULL,
  port_count INTEGER NOT NULL,
  ports      TEXT    NOT NULL
);
CREATE INDEX scan_coverage_scan ON scan_coverage(scan_id);
CREATE TABLE scan_targets (
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  target  TEXT    NOT NULL
);
CREATE INDEX scan_targets_scan ON scan_targets(scan_id);
CREATE TABLE hosts (
  id                    INTEGER PRIMARY KEY,
  address               TEXT    NOT NULL UNIQUE,
  family                INTEGER NOT NULL CHECK (family IN (4, 6)),
  first_scan_id         INTEGER NOT NULL REFERENCES scans(id),
  latest_observation_id INTEGER REFERENCES host_observations(id)
);
CREATE TABLE host_observations (
  id          INTEGER PRIMARY KEY,
  scan_id     INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  host_id     INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  state       TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  reason_ttl  INTEGER,
  started_at  INTEGER,
  ended_at    INTEGER,
  mac         TEXT,
  mac_vendor  TEXT,
  notes       TEXT    NOT NULL DEFAULT '',
  UNIQUE (host_id, scan_id)
);
CREATE INDEX host_observations_scan ON host_observations(scan_id);
CREATE TABLE host_addresses (
  observation_id INTEGER NOT NULL REFERENCES host_observations(id) ON DELETE CASCADE,
  address        TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  vendor         TEXT
);
CREATE INDEX host_addresses_observation ON host_addresses(observation_id);
CREATE TABLE host_names (
  observation_id INTEGER NOT NULL REFERENCES host_observations(id) ON DELETE CASCADE,
  name           TEXT    NOT NULL,
  type           TEXT    NOT NULL
);
CREATE INDEX host_names_observation ON host_names(observation_id);
CREATE TABLE ports (
  id             INTEGER PRIMARY KEY,
  observation_id INTEGER NOT NULL REFERENCES host_observations(id) ON DELETE CASCADE,
  protocol       TEXT    NOT NULL,
  port           INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
  state          TEXT    NOT NULL,
  reason         TEXT    NOT NULL,
  reason_ttl     INTEGER,
  service        TEXT,
  product        TEXT,
  version        TEXT,
  extrainfo      TEXT,
  tunnel         TEXT,
  method         TEXT,
  confidence     INTEGER,
  UNIQUE (observation_id, protocol, port)
);
CREATE TABLE port_cpes (
  port_id INTEGER NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  cpe     TEXT    NOT NULL
);
CREATE INDEX port_cpes_port ON port_cpes(port_id);
CREATE TABLE extra_ports (
  observation_id INTEGER NOT NULL REFERENCES host_observations(id) ON DELETE CASCADE,
  state          TEXT    NOT NULL,
  count          INTEGER NOT NULL,
  reason         TEXT,
  protocol       TEXT,
  ports          TEXT
);
CREATE INDEX extra_ports_observation ON extra_ports(observation_id);
CREATE TABLE os_matches (
  observation_id INTEGER NOT NULL REFERENCES host_observations(id) ON DELETE CASCADE,
  rank           INTEGER NOT NULL,
  name           TEXT    NOT NULL,
  accuracy       INTEGER NOT NULL,
  os_type        TEXT,
  vendor         TEXT,
  family         TEXT,
  generation     TEXT,
  cpe            TEXT
);
CREATE INDEX os_matches_observation ON os_matches(observation_id);
CREATE TABLE scripts (
  observation_id INTEGER NOT NULL REFERENCES host_observations(id) ON DELETE CASCADE,
  port_id        INTEGER REFERENCES ports(id) ON DELETE CASCADE,
  script_id      TEXT    NOT NULL,
  output         TEXT    NOT NULL
);
CREATE INDEX scripts_observation ON scripts(observation_id);
CREATE VIEW current_hosts AS
  SELECT h.address, h.family, o.*
  FROM hosts h JOIN host_observations o ON o.id = h.latest_observation_id;
CREATE VIEW current_ports AS
  SELECT h.address, p.*
  FROM hosts h JOIN ports p ON p.observation_id = h.latest_observation_id;
)sql";

constexpr Migration kMigrations[] = {
    {1, "asset inventory: scans, hosts, observations, ports, OS matches, scripts", kAssetInventory},
    // Append new steps here (run history, alerts, flows: issue 9). Never edit a released step.
};

void refuse_foreign(const Database& db, std::string_view why) {
  throw Error(ErrorKind::kInput,
              fmt::format("database '{}' is not an nta database ({}); nta will not change it: choose another --db file",
                          db.path(), why));
}

}  // namespace

std::span<const Migration> schema_migrations() noexcept { return kMigrations; }

std::int64_t latest_schema_version() noexcept { return kMigrations[std::size(kMigrations) - 1].version; }

void migrate(Database& db, std::span<const Migration> steps) {
  const std::int64_t latest = steps.empty() ? 0 : steps.back().version;
  const std::int64_t version = db.user_version();
  const std::int64_t app_id = db.application_id();
  if (app_id != 0 && app_id != kNtaApplicationId) {
    refuse_foreign(db, fmt::format("its SQLite application_id is {:#x}", app_id));
  }
  if (app_id == 0) {
    if (version != 0) refuse_foreign(db, fmt::format("it has user_version {} but no nta mark", version));
    if (db.schema_object_count() != 0) refuse_foreign(db, "it already holds tables of another schema");
  }
  if (version > latest) {
    throw Error(ErrorKind::kInput,
                fmt::format("database '{}' has schema version {}, newer than this nta understands (up to {}); "
                            "use a newer nta, or another --db file",
                            db.path(), version, latest));
  }
  if (version == latest) return;
  if (db.read_only()) {
    throw Error(ErrorKind::kUsage,
                fmt::format("database '{}' has schema version {} and needs upgrading to {}; open it once with a "
                            "command that writes (nta assets) first",
                            db.path(), version, latest));
  }
  for (const Migration& step : steps) {
    if (step.version <= version) continue;
    try {
      Transaction tx(db);
      db.exec(step.sql);
      db.set_user_version(step.version);
      db.set_application_id(kNtaApplicationId);
      tx.commit();
    } catch (const Error& e) {
      throw Error(e.kind(), fmt::format("upgrading to schema version {} ({}) failed: {}", step.version,
                                        step.description, e.what()));
    }
  }
}

void migrate(Database& db) { migrate(db, schema_migrations()); }

Database open_store(const std::string& path, OpenMode mode) {
  Database db = Database::open(path, mode);
  migrate(db);
  return db;
}

}  // namespace nta
