// The directory CRM: the contacts CSV (parse_directory_csv) and the adapter
// that answers lookups from it without a request.
#include "adapters/directory/directory_adapter.h"

#include <gtest/gtest.h>

#include "adapter_test_support.h"

namespace cti::adapters {
namespace {

using namespace testing;

std::vector<DirectoryEntry> parsed(std::string_view text) {
  auto r = parse_directory_csv(text, "ES");
  EXPECT_TRUE(r) << r.error().line << ": " << r.error().reason;
  return r ? *r : std::vector<DirectoryEntry>{};
}

DirectoryCsvError error_of(std::string_view text) {
  auto r = parse_directory_csv(text, "ES");
  EXPECT_FALSE(r) << "parsed: " << text;
  return r ? DirectoryCsvError{-1, "<parsed>"} : r.error();
}

// --- the file

TEST(DirectoryCsv, ReadsNormalizesAndKeepsLines) {
  const auto e = parsed(
      "\xEF\xBB\xBF"  // a spreadsheet's BOM
      "id,name,company,phone,phone2,updated_at\r\n"
      "# comments and blank lines are skipped\r\n"
      "\r\n"
      "c-1,Lucía Fernández,\"Acme Logística, SL\",+34 912 345 678,600 11 12 22,"
      "2026-11-02T09:15:00Z\r\n"
      "c-2, \"Ben \"\"the Boss\"\" Ruiz\" ,,0044 20 7946 0000,,\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].id, "c-1");
  EXPECT_EQ(e[0].name, "Lucía Fernández");
  EXPECT_EQ(e[0].company, "Acme Logística, SL");
  EXPECT_EQ(e[0].phones, (std::vector<std::string>{"+34912345678", "+34600111222"}));
  EXPECT_EQ(e[0].updated_at, "2026-11-02T09:15:00Z");
  EXPECT_TRUE(e[0].updated);
  EXPECT_EQ(e[0].line, 4);
  EXPECT_EQ(e[1].name, "Ben \"the Boss\" Ruiz");
  EXPECT_EQ(e[1].company, "");
  EXPECT_EQ(e[1].phones, std::vector<std::string>{"+442079460000"});
  EXPECT_FALSE(e[1].updated);
  EXPECT_EQ(e[1].line, 5);
}

TEST(DirectoryCsv, ColumnsByNameInAnyOrderAndOptionalOnesMayBeMissing) {
  const auto e = parsed("Phone,NAME,Id\n912345678,Ana,a1\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].id, "a1");
  EXPECT_EQ(e[0].name, "Ana");
  EXPECT_EQ(e[0].phones, std::vector<std::string>{"+34912345678"});
  // The same number twice in one row counts once.
  EXPECT_EQ(parsed("id,name,phone,phone2\na,A,912345678,+34912345678\n")[0].phones.size(), 1u);
}

TEST(DirectoryCsv, BadRowsNameTheirLineAndReason) {
  struct Case {
    const char* text;
    int line;
    const char* reason;
  };
  const Case cases[] = {
      {"", 0, "no header row"},
      {"# only a comment\n", 0, "no header row"},
      {"id,name,phone\n", 0, "no contacts"},
      {"id,name,company\na,A,B\n", 1, "at least one phone column"},
      {"name,phone\nA,912345678\n", 1, "must name the columns id, name"},
      {"id,name,phone,email\n", 1, "unknown column \"email\""},
      {"id,name,phone,ID\n", 1, "column \"id\" appears twice"},
      {"id,name,phone\na,A,912345678\nb,B\n", 3, "expected 3 fields, got 2"},
      {"id,name,phone\na,A,912345678,x\n", 2, "expected 3 fields, got 4"},
      {"id,name,phone\n,A,912345678\n", 2, "empty id"},
      {"id,name,phone\na,,912345678\n", 2, "empty name"},
      {"id,name,phone,phone2\na,A,,\n", 2, "no phone number"},
      {"id,name,phone\na,A,1001\n", 2, "\"1001\" is not a phone number (region ES)"},
      {"id,name,phone\na,A,call me\n", 2, "\"call me\" is not a phone number"},
      {"id,name,phone,updated_at\na,A,912345678,yesterday\n", 2, "updated_at \"yesterday\""},
      {"id,name,phone\na,\"A,912345678\n", 2, "unterminated quote"},
      {"id,name,phone\na,\"A\"x,912345678\n", 2, "text after a closing quote"},
      {"id,name,phone\na,A,912345678\n\na,B,600111222\n", 4, "duplicate id \"a\" (line 2)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const DirectoryCsvError e = error_of(c.text);
    EXPECT_EQ(e.line, c.line);
    EXPECT_NE(e.reason.find(c.reason), std::string::npos) << e.reason;
  }
}

// --- the adapter

DirectoryAdapter adapter_of(std::string_view csv, std::string url_template = {}) {
  DirectoryOptions o;
  o.name = "dir";
  o.entries = parsed(csv);
  o.url_template = std::move(url_template);
  return DirectoryAdapter(std::move(o));
}

const char* kShared =
    "id,name,company,phone,phone2,updated_at\n"
    "old,Old Record,Acme,912345678,,2025-03-01T10:00:00Z\n"
    "new,New Record,Beta,600111222,912345678,2026-11-20T08:30:00+01:00\n"
    "undated,No Date,Gamma,912345678,,\n"
    "solo,Solo,,+442079460000,,\n";

TEST(DirectoryAdapter, LookupIsDoneAtOnceWithoutARequest) {
  const auto dir = adapter_of(kShared, "https://intranet.example/people/{id}?from={id}");
  const auto number = core::PhoneNumber::parse("+442079460000", "ES");
  const Step s = dir.lookup_step(number, {});
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->crm, "dir");
  EXPECT_EQ(s.contact->id, "solo");
  EXPECT_EQ(s.contact->name, "Solo");
  EXPECT_EQ(s.contact->company, "");
  EXPECT_EQ(s.contact->url, "https://intranet.example/people/solo?from=solo");
  EXPECT_EQ(s.contact->kind, "");
  EXPECT_EQ(s.contact->matches, 1);
  EXPECT_FALSE(s.contact->ambiguous);
  // Never a request: no lookup(), no call log, no events.
  EXPECT_FALSE(dir.lookup(number));
  EXPECT_FALSE(dir.logs_calls());
  EXPECT_EQ(dir.size(), 4u);
}

TEST(DirectoryAdapter, SeveralRowsMostRecentWinsAndIsAmbiguous) {
  const auto dir = adapter_of(kShared);
  const auto c = dir.find(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "new");  // its second phone column
  EXPECT_EQ(c->company, "Beta");
  EXPECT_EQ(c->updated_at, "2026-11-20T08:30:00+01:00");
  EXPECT_EQ(c->matches, 3);
  EXPECT_TRUE(c->ambiguous);
  EXPECT_EQ(c->url, "");  // no template
}

TEST(DirectoryAdapter, UndatedRowsTieByFileOrder) {
  const auto dir = adapter_of("id,name,phone\nfirst,F,912345678\nsecond,S,912345678\n");
  const auto c = dir.find(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "first");
  EXPECT_EQ(c->matches, 2);
}

TEST(DirectoryAdapter, UnknownNumbersExtensionsAndWithheldAreNoContact) {
  const auto dir = adapter_of(kShared);
  const Step s = dir.lookup_step(core::PhoneNumber::parse("+34999999999", "ES"), {});
  EXPECT_TRUE(s.is(Step::Kind::Done));
  EXPECT_FALSE(s.contact);
  expect_no_lookup(dir);
}

TEST(DirectoryAdapter, ACallLogJobIsNeverQueuedButWouldNotSendAnything) {
  const auto dir = adapter_of(kShared);
  const core::CallRecord r =
      customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  const Step s = dir.log_step(r, {}, 1);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  EXPECT_EQ(s.reason, "nothing to log for this call");
}

}  // namespace
}  // namespace cti::adapters
