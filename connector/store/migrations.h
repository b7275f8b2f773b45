#pragma once
// Versioned schema: an ordered list of migrations in code, the applied version
// in table schema_version. Each migration runs in its own transaction.
#include <SQLiteCpp/Database.h>

#include <expected>
#include <span>
#include <string>

namespace cti::store {

struct Migration {
  int version;
  const char* sql;
};

// The migrations this build knows, ascending by version.
std::span<const Migration> migrations();
int latest_schema_version();

// Brings `db` up to latest_schema_version(). A database written by a newer
// build (version above what we know) is an error: we must not guess.
std::expected<int, std::string> migrate(SQLite::Database& db);
int schema_version(SQLite::Database& db);

}  // namespace cti::store
