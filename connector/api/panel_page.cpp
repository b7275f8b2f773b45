#include "connector/api/panel_page.h"

#include <algorithm>

#include "connector/api/panel_assets.h"
#include "connector/api/problem.h"

namespace cti::api {

namespace http = boost::beast::http;

std::string panel_csp(const PanelOptions& options) {
  std::string ancestors;
  for (const auto& a : options.frame_ancestors) ancestors += (ancestors.empty() ? "" : " ") + a;
  if (ancestors.empty()) ancestors = "'none'";
  // 'self' in connect-src covers ws:// and wss:// to this same host (CSP 3),
  // so the page cannot open sockets or requests anywhere else.
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
         "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors " +
         ancestors;
}

std::optional<Response> panel_response(std::string_view file, const PanelOptions& options,
                                       unsigned http_version) {
  const auto assets = panel_assets();
  const auto it = std::find_if(assets.begin(), assets.end(),
                               [&](const PanelAsset& a) { return a.name == file; });
  if (it == assets.end()) return std::nullopt;
  Response res{http::status::ok, http_version};
  res.set(http::field::content_type, std::string(it->content_type));
  add_common_headers(res);
  res.set("Content-Security-Policy", panel_csp(options));
  res.set("Referrer-Policy", "no-referrer");
  // Older browsers ignore frame-ancestors; they get the same answer when
  // nobody may frame the panel.
  const auto& fa = options.frame_ancestors;
  if (fa.empty() || (fa.size() == 1 && fa[0] == "'none'")) res.set("X-Frame-Options", "DENY");
  res.body() = std::string(it->body);
  res.prepare_payload();
  return res;
}

}  // namespace cti::api
