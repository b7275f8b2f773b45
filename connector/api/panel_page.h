#pragma once
// Serving the agent panel: GET / is the page (index.html), GET /panel/<file>
// its scripts and styles. Public like /dial: the files carry no data; the
// page's script signs in with the agent's token.
//
// Headers: a CSP that allows only the connector's own scripts, styles and
// connections (no inline script, so injected markup cannot run) and the
// configured frame-ancestors, so a CRM may embed the panel in an iframe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/api/http_types.h"

namespace cti::api {

struct PanelOptions {
  // CSP frame-ancestors sources (api.frame_ancestors), already validated:
  // "'none'" (default), "'self'", or origins such as "https://crm.example.com".
  std::vector<std::string> frame_ancestors = {"'none'"};
};

// The Content-Security-Policy value the panel is served with.
std::string panel_csp(const PanelOptions& options);

// The page or one of its files, or nullopt for an unknown file name.
std::optional<Response> panel_response(std::string_view file, const PanelOptions& options,
                                       unsigned http_version);

// The file name GET / serves.
inline constexpr std::string_view panel_index = "index.html";
// The file GET /dial serves (the landing page of tel: links).
inline constexpr std::string_view dial_page = "dial.html";

}  // namespace cti::api
