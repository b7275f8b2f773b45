#pragma once
// The agent panel's static files (connector/api/panel/), compiled into the
// binary: connector/api/panel/embed.cmake generates the definition of
// panel_assets() at build time from the files themselves.
#include <span>
#include <string_view>

namespace cti::api {

struct PanelAsset {
  std::string_view name;          // file name in connector/api/panel/, e.g. "app.js"
  std::string_view content_type;  // from the extension
  std::string_view body;
};

// Every embedded file, sorted by name.
std::span<const PanelAsset> panel_assets();

}  // namespace cti::api
