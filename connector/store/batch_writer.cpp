#include "connector/store/batch_writer.h"

#include "connector/json/call_json.h"
#include "connector/store/codec.h"

namespace cti::store {
namespace {

// The customer's number, for history lookups (see migration 3).
std::string customer_of(const core::CallRecord& r) {
  switch (r.direction) {
    case core::Direction::Inbound:
      return r.from;
    case core::Direction::Outbound:
      return r.to;
    case core::Direction::Internal:
      break;
  }
  return {};
}

std::int64_t us(core::Timestamp t) { return core::to_unix_micros(t); }

// A statement reused after a failed transaction still carries the failure;
// tryReset (not reset, which rethrows it) makes it usable again.
SQLite::Statement& fresh(SQLite::Statement& st) {
  st.tryReset();
  st.clearBindings();
  return st;
}

}  // namespace

BatchWriter::BatchWriter(SQLite::Database& db)
    // Events are immutable facts keyed by (call_id, seq): a replayed capture
    // re-inserting them is ignored rather than rewriting history.
    : insert_event_(
          db,
          "INSERT OR IGNORE INTO call_events(call_id, seq, type, occurred_at, event_json) "
          "VALUES (?, ?, ?, ?, ?)"),
      upsert_call_(db,
                   "INSERT INTO calls(call_id, pbx, started_at, ended_at, direction, agent, "
                   "record_json, updated_at, customer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT(call_id) DO UPDATE SET pbx = excluded.pbx, "
                   "started_at = excluded.started_at, ended_at = excluded.ended_at, "
                   "direction = excluded.direction, agent = excluded.agent, "
                   "record_json = excluded.record_json, updated_at = excluded.updated_at, "
                   "customer = excluded.customer"),
      // OR IGNORE: the UNIQUE (adapter, idempotency_key) makes a second insert
      // of the same request a no-op, so it is delivered once.
      insert_outbox_(db,
                     "INSERT OR IGNORE INTO outbox(adapter, call_id, seq, event_id, "
                     "idempotency_key, method, url, headers_json, body, content_type, state, "
                     "attempts, next_attempt_at, created_at, job) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)"),
      delivered_(db,
                 "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, "
                 "delivered_at = ?, last_status = ?, last_error = '' WHERE id = ?"),
      retry_(db,
             "UPDATE outbox SET attempts = attempts + 1, last_status = ?, last_error = ?, "
             "next_attempt_at = ? WHERE id = ? AND state = 'pending'"),
      dead_(db,
            "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_status = ?, "
            "last_error = ? WHERE id = ?"),
      replay_(db,
              "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, "
              "last_error = '' WHERE id = ? AND state = 'dead'"),
      insert_audit_(db,
                    "INSERT INTO policy_audit(at, action, principal, tenant, agent, number, "
                    "allowed, call_id, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      // The first opt-out is the one that counts (its date and reason);
      // asking again changes nothing.
      upsert_dnc_(db,
                  "INSERT OR IGNORE INTO dnc_internal(e164, added_at, reason, added_by) "
                  "VALUES (?, ?, ?, ?)"),
      delete_dnc_(db, "DELETE FROM dnc_internal WHERE e164 = ?"),
      insert_consent_(db,
                      "INSERT INTO consents(tenant, e164, status, source, at, recorded_at, "
                      "recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      // A call is charged once, whatever replays or restarts happen.
      insert_spend_(db,
                    "INSERT OR IGNORE INTO spend(call_id, tenant, agent, at, talk_s, cost, "
                    "currency) VALUES (?, ?, ?, ?, ?, ?, ?)") {}

void BatchWriter::write_policy_rows(const WriteBatch& batch) {
  for (const auto& a : batch.audits) {
    auto& st = fresh(insert_audit_);
    st.bind(1, us(a.at));
    st.bind(2, a.action);
    st.bind(3, a.principal);
    st.bind(4, a.tenant);
    st.bind(5, a.agent);
    st.bind(6, a.number);
    st.bind(7, a.allowed ? 1 : 0);
    st.bind(8, a.call_id);
    st.bind(9, a.detail_json);
    st.exec();
  }
  for (const auto& c : batch.dnc_changes) {
    if (c.add) {
      auto& st = fresh(upsert_dnc_);
      st.bind(1, c.entry.e164);
      st.bind(2, us(c.entry.added_at));
      st.bind(3, c.entry.reason);
      st.bind(4, c.entry.added_by);
      st.exec();
    } else {
      auto& st = fresh(delete_dnc_);
      st.bind(1, c.entry.e164);
      st.exec();
    }
  }
  for (const auto& c : batch.consents) {
    auto& st = fresh(insert_consent_);
    st.bind(1, c.tenant);
    st.bind(2, c.e164);
    st.bind(3, c.granted ? "granted" : "revoked");
    st.bind(4, c.source);
    st.bind(5, us(c.at));
    st.bind(6, us(c.recorded_at));
    st.bind(7, c.recorded_by);
    st.exec();
  }
  for (const auto& s : batch.spend) {
    auto& st = fresh(insert_spend_);
    st.bind(1, s.call_id);
    st.bind(2, s.tenant);
    st.bind(3, s.agent);
    st.bind(4, us(s.at));
    st.bind(5, s.talk_s);
    st.bind(6, s.cost);
    st.bind(7, s.currency);
    st.exec();
  }
}

WriteCounts BatchWriter::write(const WriteBatch& batch, core::Timestamp now) {
  WriteCounts counts;
  for (const auto& e : batch.events) {
    auto& st = fresh(insert_event_);
    st.bind(1, e.call_id);
    st.bind(2, static_cast<std::int64_t>(e.seq));
    st.bind(3, std::string(core::to_string(e.kind)));
    st.bind(4, us(e.occurred_at));
    st.bind(5, json::to_json(e).dump());
    st.exec();
    ++counts.events;
  }
  for (const auto& r : batch.records) {
    auto& st = fresh(upsert_call_);
    st.bind(1, r.call_id);
    st.bind(2, r.pbx);
    st.bind(3, us(r.started_at));
    if (r.ended_at) st.bind(4, us(*r.ended_at));  // else stays NULL (clearBindings)
    st.bind(5, std::string(core::to_string(r.direction)));
    st.bind(6, r.agent);
    st.bind(7, json::to_json(r).dump());
    st.bind(8, us(now));
    st.bind(9, customer_of(r));
    st.exec();
    ++counts.records;
  }
  for (const auto& d : batch.deliveries) {
    const auto& req = d.request;
    auto& st = fresh(insert_outbox_);
    st.bind(1, d.adapter);
    st.bind(2, d.call_id);
    st.bind(3, static_cast<std::int64_t>(d.seq));
    st.bind(4, d.event_id);
    st.bind(5, req.idempotency_key.empty() ? derive_idempotency_key(d.event_id, req)
                                           : req.idempotency_key);
    st.bind(6, req.method);
    st.bind(7, req.url);
    st.bind(8, encode_headers(req.headers));
    st.bind(9, static_cast<const void*>(req.body.data()), static_cast<int>(req.body.size()));
    st.bind(10, req.content_type);
    st.bind(11, us(now));
    st.bind(12, us(now));
    st.bind(13, d.job);
    counts.deliveries += static_cast<std::uint64_t>(st.exec());
  }
  write_policy_rows(batch);
  return counts;
}

int BatchWriter::apply(const OutboxUpdate& u) {
  switch (u.kind) {
    case OutboxUpdate::Kind::Delivered: {
      auto& st = fresh(delivered_);
      st.bind(1, us(u.at));
      st.bind(2, u.status);
      st.bind(3, u.id);
      return st.exec();
    }
    case OutboxUpdate::Kind::Retry: {
      auto& st = fresh(retry_);
      st.bind(1, u.status);
      st.bind(2, u.error);
      st.bind(3, us(u.at));
      st.bind(4, u.id);
      return st.exec();
    }
    case OutboxUpdate::Kind::Dead: {
      auto& st = fresh(dead_);
      st.bind(1, u.status);
      st.bind(2, u.error);
      st.bind(3, u.id);
      return st.exec();
    }
    case OutboxUpdate::Kind::Replay: {
      auto& st = fresh(replay_);
      st.bind(1, us(u.at));
      st.bind(2, u.id);
      return st.exec();
    }
  }
  return 0;
}

}  // namespace cti::store
