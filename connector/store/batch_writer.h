#pragma once
// The SQL of the writer thread (internal to store/): prepared once, run inside
// the group-commit transaction the caller opened.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>

#include "connector/core/time.h"
#include "connector/store/write_batch.h"

namespace cti::store {

struct OutboxUpdate {
  enum class Kind { Delivered, Retry, Dead, Replay } kind;
  std::int64_t id = 0;
  int status = 0;
  std::string error;
  core::Timestamp at{};  // delivered_at, next_attempt_at or replay time
};

struct WriteCounts {
  std::uint64_t events = 0, records = 0, deliveries = 0;
};

class BatchWriter {
 public:
  explicit BatchWriter(SQLite::Database& db);
  WriteCounts write(const WriteBatch& batch, core::Timestamp now);
  // Returns the number of rows changed (0: id unknown or not in the expected state).
  int apply(const OutboxUpdate& update);

 private:
  SQLite::Statement insert_event_, upsert_call_, insert_outbox_;
  SQLite::Statement delivered_, retry_, dead_, replay_;
  SQLite::Statement insert_audit_, upsert_dnc_, delete_dnc_, insert_consent_, insert_spend_;
  void write_policy_rows(const WriteBatch& batch);
};

}  // namespace cti::store
