#include "connector/config/crm_registry.h"

#include "adapters/directory/directory_config.h"
#include "adapters/hubspot/hubspot_config.h"
#include "adapters/pipedrive/pipedrive_config.h"
#include "adapters/salesforce/salesforce_config.h"
#include "adapters/template/template_config.h"
#include "adapters/zoho/zoho_config.h"

namespace cti::config {

void CrmRegistry::add(std::string type, CrmFactory factory) {
  factories_.insert_or_assign(std::move(type), std::move(factory));
}

const CrmFactory* CrmRegistry::find(std::string_view type) const {
  auto it = factories_.find(type);
  return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> CrmRegistry::types() const {
  std::vector<std::string> out;
  for (const auto& [type, unused] : factories_) out.push_back(type);
  return out;
}

void CrmRegistry::parse_all(const Node& crm_array, Config& out) const {
  std::map<std::string, std::string, std::less<>> name_to_path;
  for (const Node& entry : crm_array.elements()) {
    if (!entry.json().is_object()) entry.fail("expected an object, got " + entry.describe());
    std::string type = "webhook";
    const auto it = entry.json().find("type");
    if (it != entry.json().end()) {
      const Node type_node(*it, entry.path() + ".type", entry.env());
      type = type_node.text();
      if (!find(type)) {
        std::string known;
        for (const std::string& t : types()) known += (known.empty() ? "\"" : ", \"") + t + "\"";
        type_node.fail("unknown CRM type " + type_node.describe() + " (known types: " + known +
                       ")");
      }
    }
    const std::string name = (*find(type))(entry, out);
    auto [pos, inserted] = name_to_path.try_emplace(name, entry.path() + ".name");
    if (!inserted) {
      throw ConfigFailure{
          ConfigError{entry.path() + ".name",
                      "duplicate CRM name \"" + name + "\" (already used by " + pos->second + ")"}};
    }
  }
}

const CrmRegistry& builtin_crm_registry() {
  static const CrmRegistry registry = [] {
    CrmRegistry r;
    // One line per CRM type (README "Adding a CRM").
    r.add("webhook", parse_webhook_crm);
    r.add("hubspot", adapters::parse_hubspot_crm);
    r.add("pipedrive", adapters::parse_pipedrive_crm);
    r.add("zoho", adapters::parse_zoho_crm);
    r.add("salesforce", adapters::parse_salesforce_crm);
    r.add("directory", adapters::parse_directory_crm);
    r.add("template", adapters::parse_template_crm);
    return r;
  }();
  return registry;
}

}  // namespace cti::config
