#pragma once
// The template adapter (issue 5): a CRM without code. The config describes
// the requests (template_request.h) with placeholders (template_text.h) and
// where the contact is in the answers (JSON pointers); this class runs them
// as the usual pure Step chain:
//   [find_logged, on retries] -> lookup (one or more requests, first match
//   wins) -> create_contact (when its condition holds) -> log.
// The user guide is docs/adapters/template.md; ready templates for EspoCRM and
// Odoo are in config/adapters/.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/template/template_condition.h"
#include "adapters/template/template_request.h"
#include "adapters/template/template_text.h"

namespace cti::adapters {

namespace tmpl {

// One lookup request and how to read its answer.
struct LookupTemplate {
  RequestTemplate request;
  std::string kind;                 // Contact::kind ("contact", "lead"); may be ""
  std::string results;              // pointer to the list (or one object); "" = whole answer
  std::string id = "/id";           // inside one result
  std::vector<std::string> name;    // pointers, non-empty parts joined by " "
  std::string company, updated_at;  // pointers inside one result; "" = not read
  std::string total;                // pointer in the answer to the match count; "" = count results
  std::optional<Text> url;          // the record's page, may use {{contact.id}}
  std::vector<int> no_match_status{404};  // answers meaning "no match" (204 always does)
  std::string error;  // pointer: a 2xx answer with a value there is an error (JSON-RPC)
};

// The unknown-caller contact; `request.when` defaults to "no_contact".
struct CreateTemplate {
  RequestTemplate request;
  std::string id = "/id";  // pointer to the new record's id in the answer
  std::string kind;        // Contact::kind of what it creates ("lead")
  std::string error;
};

// The call activity. `request.when` defaults to always.
struct LogTemplate {
  RequestTemplate request;
  std::string error;
};

// Retries only: is this call already logged (an earlier attempt's answer got
// lost)? A value at `found` that is not 0, false, null, "" or empty = yes.
struct FindLoggedTemplate {
  RequestTemplate request;
  std::string found;
  std::string error;
};

}  // namespace tmpl

struct TemplateOptions {
  std::string name;
  std::string base_url;
  std::string token;                          // {{crm.token}}; never logged
  std::map<std::string, std::string> users;   // agent id/extension -> CRM user
  std::map<std::string, std::string> vars;    // {{vars.<key>}}
  std::string default_region;                 // for {{number.national}}
  std::vector<tmpl::HeaderTemplate> headers;  // on every request
  tmpl::Maps maps;  // `map:<name>` filters; "disposition" = disposition_map
  std::vector<tmpl::LookupTemplate> lookups;  // tried in order until one matches
  std::optional<tmpl::CreateTemplate> create_contact;
  bool create_unknown_contacts = false;  // run create_contact in the log chain / offer it
  std::optional<tmpl::LogTemplate> log;
  std::optional<tmpl::FindLoggedTemplate> find_logged;
};

class TemplateAdapter final : public CrmAdapter {
 public:
  explicit TemplateAdapter(TemplateOptions options);
  const std::string& name() const override { return options_.name; }
  const TemplateOptions& options() const { return options_; }

  std::optional<core::HttpRequest> lookup(const core::PhoneNumber& number) const override;
  std::optional<Contact> parse_lookup(const core::HttpResponse& response) const override;
  Step lookup_step(const core::PhoneNumber& number,
                   std::span<const Exchange> so_far) const override;

  bool logs_calls() const override { return options_.log.has_value(); }
  std::optional<core::HttpRequest> log_call(const core::CallRecord& record,
                                            const std::optional<Contact>& contact) const override;
  Step log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                int attempt) const override;

  bool creates_contacts() const override {
    return options_.create_contact.has_value() && options_.create_unknown_contacts;
  }
  std::optional<core::HttpRequest> create_contact(const ContactToCreate& wanted) const override;
  std::optional<Contact> parse_created(const core::HttpResponse& response) const override;

  // What the placeholders stand for (exposed for tests and docs): any of
  // number, record, contact may be absent.
  tmpl::Values values(const core::PhoneNumber* number, const core::CallRecord* record,
                      const Contact* contact) const;

 private:
  std::optional<Contact> read_lookup(const tmpl::LookupTemplate& lookup,
                                     const core::HttpResponse& response) const;
  core::HttpRequest render(const tmpl::RequestTemplate& request, const tmpl::Values& values) const;
  // render() marked read_only: for lookups and find_logged.
  core::HttpRequest render_search(const tmpl::RequestTemplate& request,
                                  const tmpl::Values& values) const;

  TemplateOptions options_;
};

}  // namespace cti::adapters
