#include "connector/app/runner.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

#include "adapters/webhook/webhook_adapter.h"
#include "connector/api/auth.h"
#include "connector/api/server.h"
#include "connector/app/dialer.h"
#include "connector/app/dispatcher.h"
#include "connector/app/pbx_pipeline.h"
#include "connector/app/screen_pop.h"
#include "connector/app/store_backend.h"
#include "connector/pbx/ami/originate.h"
#include "connector/pbx/ami/session.h"
#include "webhooks/delivery_engine.h"
#include "webhooks/http_sender.h"

namespace cti::app {

core::TrackerConfig tracker_config(const config::Config& config, const config::AmiPbxConfig& pbx) {
  core::TrackerConfig t;
  t.pbx = pbx.name;
  for (const auto& a : config.agents) t.agents[a.extension] = a.id;
  t.default_region = config.numbers.default_region;
  t.max_extension_digits = config.numbers.max_extension_digits;
  t.internal_contexts = pbx.internal_contexts;
  return t;
}

namespace {

// Config tokens are plain secrets (usually "${API_TOKEN}") or already hashed
// ("sha256:<hex>"); the server only ever holds hashes.
std::vector<std::string> token_hashes(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens)
    out.push_back(t.starts_with("sha256:") ? t.substr(7) : api::hash_token(t));
  return out;
}

// Waits for the PBX's answer to the (async) Originate: "Success" means it
// queued the call; the call's progress then arrives as ordinary events.
std::expected<void, std::string> send_originate(pbx::ami::Session& session,
                                                const pbx::ami::OriginateRequest& request) {
  auto headers = pbx::ami::originate_action(request);
  if (!headers) return std::unexpected(headers.error());
  using Reply = std::expected<pbx::ami::OwnedFrame, std::string>;
  auto reply = std::make_shared<std::promise<Reply>>();
  auto future = reply->get_future();
  session.send_action(std::move(*headers), [reply](Reply r) { reply->set_value(std::move(r)); });
  // The session fails the action itself after its action timeout (10 s);
  // the wait is bounded too in case the event loop has already stopped.
  if (future.wait_for(std::chrono::seconds(15)) != std::future_status::ready)
    return std::unexpected(std::string("the PBX did not answer the originate"));
  const Reply r = future.get();
  if (!r) return std::unexpected(r.error());
  if (r->get("Response") != "Success")
    return std::unexpected("Asterisk answered " + r->get("Response") + ": " + r->get("Message"));
  return {};
}

}  // namespace

int run(const config::Config& config, const RunOptions& options) {
  spdlog::set_level(spdlog::level::from_str(config.log.level));
  core::SystemClock clock;
  common::Registry& metrics = common::default_registry();

  store::StoreOptions store_options;
  store_options.commit_interval = std::chrono::milliseconds(config.store.commit_interval_ms);
  auto opened = store::Store::open(config.store.path, store_options);
  if (!opened) {
    spdlog::critical("store {}: {}", config.store.path, opened.error());
    return 1;
  }
  std::unique_ptr<store::Store> store = std::move(*opened);
  spdlog::info("store {} open (schema v{})", config.store.path, store->schema_version());

  std::vector<std::shared_ptr<const adapters::CrmAdapter>> crm_adapters;
  std::map<std::string, std::string> secrets;
  for (const auto& crm : config.crm) {
    adapters::WebhookOptions o;
    o.name = crm.name;
    o.url = crm.url;
    o.events.insert(crm.events.begin(), crm.events.end());
    crm_adapters.push_back(std::make_shared<adapters::WebhookAdapter>(std::move(o)));
    secrets[crm.name] = crm.secret;
  }
  std::map<std::string, std::shared_ptr<const adapters::CrmAdapter>> job_adapters;
  for (const auto& entry : config.crm_adapters) {
    crm_adapters.push_back(entry.adapter);
    job_adapters[entry.adapter->name()] = entry.adapter;
    spdlog::info("crm {}: {}", entry.adapter->name(), entry.type);
  }

  webhooks::EngineOptions engine_options;
  engine_options.workers = config.delivery.workers;
  engine_options.max_attempts = config.delivery.max_attempts;
  engine_options.max_age = std::chrono::seconds(config.delivery.max_age_s);
  engine_options.backoff_initial = std::chrono::milliseconds(config.delivery.backoff_initial_ms);
  engine_options.backoff_max = std::chrono::milliseconds(config.delivery.backoff_max_ms);
  engine_options.timeout = std::chrono::milliseconds(config.delivery.timeout_ms);
  // One HTTP client for deliveries and lookups: keep-alive connections to a
  // CRM are shared.
  const std::shared_ptr<webhooks::HttpSender> sender(
      webhooks::make_httplib_sender(config.delivery.ca_file));
  webhooks::DeliveryEngine engine(*store, sender, secrets, engine_options, clock, metrics);
  engine.set_adapters(job_adapters);
  engine.start();

  Dispatcher dispatcher(*store, crm_adapters, [&engine] { engine.notify(); });
  // Click-to-call goes out through the PBX named in policy.originate.
  std::shared_ptr<pbx::ami::Session> dialing_session;
  auto dialer = Dialer::create(config, *store, clock,
                               [&dialing_session](const pbx::ami::OriginateRequest& request)
                                   -> std::expected<void, std::string> {
                                 if (!dialing_session)
                                   return std::unexpected(std::string("no PBX is configured"));
                                 return send_originate(*dialing_session, request);
                               });
  if (!dialer) {
    spdlog::critical("policy: {}", dialer.error());
    engine.stop();
    return 1;
  }
  dispatcher.set_charge([d = dialer->get()](const core::CallRecord& r) { return d->charge(r); });

  boost::asio::io_context loop;  // owns all call state
  // Screen-pop: lookups in the CRMs (config order), pushed to the agents'
  // panels through the hub the API's WebSockets attach to.
  auto hub = std::make_shared<api::AgentHub>();
  std::vector<std::shared_ptr<const adapters::CrmAdapter>> lookup_crms;
  for (const auto& entry : config.crm_adapters) lookup_crms.push_back(entry.adapter);
  ScreenPop screen_pop(loop, hub, lookup_crms, sender, *store, config.screen_pop, metrics);
  dispatcher.set_observer([&screen_pop](const core::CallEvent& e) { screen_pop.on_event(e); });
  std::vector<std::unique_ptr<PbxPipeline>> pipelines;
  std::vector<std::shared_ptr<pbx::ami::Session>> sessions;
  std::vector<std::shared_ptr<PbxHealth>> health;
  common::Gauge& calls_active = metrics.gauge("cti_calls_active", "Calls in progress");

  for (const auto& pbx : config.pbx) {
    auto tc = tracker_config(config, pbx);
    store::Store* s = store.get();
    tc.last_seq = [s](const std::string& call_id) -> std::uint64_t {
      const auto events = s->list_events(call_id);
      return events.empty() ? 0 : events.back().seq;
    };
    tc.stored_call = [s](const std::string& call_id) { return s->get_call(call_id); };
    auto pipeline =
        std::make_unique<PbxPipeline>(pbx.name, std::move(tc), dispatcher, *store, metrics);
    auto h = std::make_shared<PbxHealth>();
    h->name = pbx.name;
    pbx::ami::SessionConfig sc;
    sc.name = pbx.name;
    sc.host = pbx.host;
    sc.port = pbx.port;
    sc.username = pbx.username;
    sc.secret = pbx.secret;
    sc.md5_login = pbx.md5_login;
    sc.ping_interval = std::chrono::milliseconds(pbx.ping_interval_ms);
    sc.backoff_initial = std::chrono::milliseconds(pbx.backoff_initial_ms);
    sc.backoff_max = std::chrono::milliseconds(pbx.backoff_max_ms);
    sc.limits.max_frame_bytes = pbx.max_frame_bytes;
    PbxPipeline* p = pipeline.get();
    pbx::ami::SessionCallbacks cb;
    cb.on_frame = [p, &calls_active, &pipelines](const pbx::ami::Frame& f,
                                                 core::Timestamp arrival) {
      p->on_frame(f, arrival);
      std::int64_t active = 0;
      for (const auto& pl : pipelines) active += std::int64_t(pl->active_calls());
      calls_active.set(active);
    };
    cb.on_state = [p, h, name = pbx.name](pbx::ami::SessionState state, std::string_view reason) {
      h->state = int(state);
      spdlog::debug("pbx {}: {} {}", name, pbx::ami::to_string(state), reason);
      if (state == pbx::ami::SessionState::Up) p->on_session_up();
    };
    sessions.push_back(std::make_shared<pbx::ami::Session>(loop, sc, cb, clock));
    if (pbx.name == config.policy.originate.pbx) dialing_session = sessions.back();
    pipelines.push_back(std::move(pipeline));
    health.push_back(h);
  }

  // Parser/tracker counters are plain integers owned by the io thread; copy
  // them into the registry once a second.
  struct Synced {
    std::uint64_t oversized = 0, malformed = 0, unknown = 0, after_hangup = 0;
  };
  std::vector<Synced> synced(sessions.size());
  boost::asio::steady_timer metrics_timer(loop);
  std::function<void()> sync_metrics = [&] {
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      const auto& ps = sessions[i]->parser_stats();
      const std::string& name = config.pbx[i].name;
      auto bump = [&](std::uint64_t now, std::uint64_t& seen, const char* reason) {
        if (now > seen)
          metrics
              .counter("cti_pbx_frames_rejected_total", "AMI frames counted and skipped",
                       {{"pbx", name}, {"reason", reason}})
              .inc(now - seen);
        seen = now;
      };
      bump(ps.oversized, synced[i].oversized, "oversized");
      bump(ps.malformed, synced[i].malformed, "malformed");
      bump(pipelines[i]->tracker_stats().unknown_channel_events, synced[i].unknown,
           "unknown_channel");
      bump(pipelines[i]->tracker_stats().events_after_hangup, synced[i].after_hangup,
           "after_hangup");
    }
    metrics_timer.expires_after(std::chrono::seconds(1));
    metrics_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) sync_metrics();
    });
  };
  sync_metrics();

  // The API runs on its own thread so SQLite reads never delay call events.
  boost::asio::io_context api_ioc;
  auto backend =
      std::make_shared<StoreBackend>(*store, metrics, health, [&engine] { engine.notify(); });
  api::ServerOptions api_options;
  api_options.listen = config.api.listen;
  api_options.token_hashes = token_hashes(config.api.tokens);
  api_options.token_agents.assign(api_options.token_hashes.size(), "");
  for (const auto& a : config.agents)
    if (!a.token.empty()) {
      api_options.token_hashes.push_back(token_hashes({a.token}).front());
      api_options.token_agents.push_back(a.id);
    }
  backend->set_dialer(dialer->get());
  std::vector<api::AgentView> agent_views;
  for (const auto& a : config.agents) agent_views.push_back({a.id, a.extension, a.name});
  backend->set_agents(std::move(agent_views));
  api_options.hub = hub;
  backend->set_contact_creator(
      [&screen_pop, &config](
          const std::string& number, const std::string& crm,
          const std::string& agent) -> std::expected<nlohmann::json, api::ContactError> {
        const auto parsed = core::PhoneNumber::parse(number, config.numbers.default_region,
                                                     config.numbers.max_extension_digits);
        if (!parsed.is_e164())
          return std::unexpected(api::ContactError{api::ContactError::Kind::InvalidNumber,
                                                   "not a phone number: \"" + number + "\""});
        auto created = screen_pop.create_contact(crm, parsed.value(), agent);
        if (created) return contact_to_json(*created);
        using K = ScreenPop::CreateError::Kind;
        const auto kind =
            created.error().kind == K::UnknownCrm     ? api::ContactError::Kind::UnknownCrm
            : created.error().kind == K::CannotCreate ? api::ContactError::Kind::CannotCreate
                                                      : api::ContactError::Kind::Crm;
        return std::unexpected(api::ContactError{kind, created.error().detail});
      });
  api_options.max_body_bytes = config.api.max_body_bytes;
  api_options.frame_ancestors = config.api.frame_ancestors;
  api::Server server(api_ioc, api_options, backend);
  auto port = server.start();
  if (!port) {
    spdlog::critical("api {}: {}", config.api.listen, port.error());
    engine.stop();
    return 1;
  }
  spdlog::info("api listening on {} (port {})", config.api.listen, *port);
  if (!options.api_port_file.empty()) {
    // Written to a temporary name and renamed, so a reader never sees half a number.
    const std::string tmp = options.api_port_file + ".tmp";
    { std::ofstream(tmp) << *port << "\n"; }
    std::rename(tmp.c_str(), options.api_port_file.c_str());
  }
  auto api_guard = boost::asio::make_work_guard(api_ioc);
  // Several threads: a slow request (a click-to-call waits for the PBX's
  // answer) does not hold up the others; connections run on strands.
  std::vector<std::thread> api_threads;
  for (int i = 0; i < config.api.threads; ++i) api_threads.emplace_back([&] { api_ioc.run(); });

  for (auto& s : sessions) s->start();

  // SIGHUP would terminate the process by default; reloading is not
  // implemented yet, so say so and keep running.
  boost::asio::signal_set hangups(loop, SIGHUP);
  std::function<void()> wait_hangup = [&] {
    hangups.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      spdlog::warn("SIGHUP: configuration reload is not supported yet; restart to apply changes");
      wait_hangup();
    });
  };
  wait_hangup();

  boost::asio::signal_set signals(loop, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: draining", signo);
    metrics_timer.cancel();
    hangups.cancel();
    auto remaining = std::make_shared<std::size_t>(sessions.size());
    if (*remaining == 0) return;
    for (auto& s : sessions) s->stop([remaining] { --*remaining; });
  });
  loop.run();

  server.stop();
  screen_pop.stop();
  api_guard.reset();
  for (auto& t : api_threads) t.join();
  store->flush();
  engine.stop();
  store->flush();
  spdlog::info("stopped");
  return 0;
}

}  // namespace cti::app
