#include "connector/store/migrations.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <array>

namespace cti::store {
namespace {

// Timestamps are INTEGER microseconds since the Unix epoch (UTC), like
// core::Timestamp, so ordering and range queries are plain integer compares.
constexpr std::array<Migration, 3> kMigrations{{
    {1, R"sql(
CREATE TABLE calls (
  call_id     TEXT PRIMARY KEY,
  pbx         TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  direction   TEXT NOT NULL,
  agent       TEXT NOT NULL,
  record_json TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX calls_started_at ON calls(started_at);

CREATE TABLE call_events (
  call_id     TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  type        TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  event_json  TEXT NOT NULL,
  PRIMARY KEY (call_id, seq)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  adapter         TEXT NOT NULL,
  call_id         TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  event_id        TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  method          TEXT NOT NULL,
  url             TEXT NOT NULL,
  headers_json    TEXT NOT NULL,
  body            BLOB NOT NULL,
  content_type    TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  delivered_at    INTEGER,
  last_status     INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  UNIQUE (adapter, idempotency_key)
);
-- Partial indexes: only pending rows are scanned by the delivery engine, and
-- delivered rows (the vast majority over time) cost nothing there. No plain
-- index on state: without ANALYZE statistics SQLite preferred it for the claim
-- query and scanned every pending row per claim (quadratic; seen in
-- bench/outbox_bench). The store's queries also name their index.
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_pending_call ON outbox(adapter, call_id, seq, id) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox(id) WHERE state = 'dead';
)sql"},
    // Dialing policy: compliance evidence. The audit log is append-only;
    // the registries (Lista Robinson...) live in .dnc snapshot files, not
    // here, because 20 M rows would cost gigabytes and minutes to load.
    {2, R"sql(
CREATE TABLE policy_audit (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  action      TEXT NOT NULL,
  principal   TEXT NOT NULL,
  tenant      TEXT NOT NULL,
  agent       TEXT NOT NULL,
  number      TEXT NOT NULL,
  allowed     INTEGER NOT NULL,
  call_id     TEXT NOT NULL,
  detail_json TEXT NOT NULL
);
CREATE INDEX policy_audit_at ON policy_audit(at);
CREATE INDEX policy_audit_number ON policy_audit(number, at);

CREATE TABLE dnc_internal (
  e164     TEXT PRIMARY KEY,
  added_at INTEGER NOT NULL,
  reason   TEXT NOT NULL,
  added_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE consents (
  id          INTEGER PRIMARY KEY,
  tenant      TEXT NOT NULL,
  e164        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('granted', 'revoked')),
  source      TEXT NOT NULL,
  at          INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX consents_number ON consents(tenant, e164, at);

CREATE TABLE spend (
  call_id  TEXT PRIMARY KEY,
  tenant   TEXT NOT NULL,
  agent    TEXT NOT NULL,
  at       INTEGER NOT NULL,
  talk_s   REAL NOT NULL,
  cost     REAL NOT NULL,
  currency TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX spend_at ON spend(at);
)sql"},
    // CRM jobs: a row whose `job` is not empty is not a ready request but work
    // an adapter runs step by step at delivery time ("crm_log": look the
    // caller up, then log the call; body = the call record). CRM tokens are
    // added when sending, so no secret is ever written to the outbox.
    // Screen-pop history ("the last calls with this number") needs calls by
    // the customer's number: inbound `from`, outbound `to`, internal none.
    {3, R"sql(
ALTER TABLE outbox ADD COLUMN job TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN customer TEXT NOT NULL DEFAULT '';
UPDATE calls SET customer = CASE direction
  WHEN 'inbound' THEN COALESCE(json_extract(record_json, '$.from'), '')
  WHEN 'outbound' THEN COALESCE(json_extract(record_json, '$.to'), '')
  ELSE '' END;
CREATE INDEX calls_customer ON calls(customer, started_at) WHERE customer <> '';
)sql"},
}};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }
int latest_schema_version() { return kMigrations.back().version; }

int schema_version(SQLite::Database& db) {
  if (!db.tableExists("schema_version")) return 0;
  SQLite::Statement q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return q.executeStep() ? q.getColumn(0).getInt() : 0;
}

std::expected<int, std::string> migrate(SQLite::Database& db) {
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
        "applied_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))");
    const int current = schema_version(db);
    if (current > latest_schema_version())
      return std::unexpected("database schema version " + std::to_string(current) +
                             " is newer than this build knows (" +
                             std::to_string(latest_schema_version()) + ")");
    for (const Migration& m : kMigrations) {
      if (m.version <= current) continue;
      SQLite::Transaction tx(db);
      db.exec(m.sql);
      SQLite::Statement ins(db, "INSERT INTO schema_version(version) VALUES (?)");
      ins.bind(1, m.version);
      ins.exec();
      tx.commit();
    }
    return latest_schema_version();
  } catch (const std::exception& e) {
    return std::unexpected(std::string("migration failed: ") + e.what());
  }
}

}  // namespace cti::store
