#include "connector/store/migrations.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "connector/store/store.h"
#include "test_support.h"

namespace cti::store {
namespace {

TEST(Migrations, FreshDatabaseGetsLatestSchemaAndAllTables) {
  test::TempDir dir;
  auto store = Store::open(dir.file("a.db"));
  ASSERT_TRUE(store) << store.error();
  EXPECT_EQ((*store)->schema_version(), latest_schema_version());
  SQLite::Database db(dir.file("a.db"), SQLite::OPEN_READONLY);
  for (const char* table : {"calls", "call_events", "outbox", "schema_version"})
    EXPECT_TRUE(db.tableExists(table)) << table;
  SQLite::Statement mode(db, "PRAGMA journal_mode");
  ASSERT_TRUE(mode.executeStep());
  EXPECT_EQ(mode.getColumn(0).getString(), "wal");
}

TEST(Migrations, ReopeningKeepsDataAndDoesNotReapply) {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  {
    auto store = Store::open(path);
    ASSERT_TRUE(store) << store.error();
    WriteBatch b;
    b.records.push_back(test::record("c1", test::at(1'700'000'000)));
    (*store)->submit(std::move(b));
    (*store)->flush();
  }
  auto again = Store::open(path);
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE((*again)->get_call("c1").has_value());
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM schema_version").getInt(),
            static_cast<int>(migrations().size()));
}

TEST(Migrations, NewerSchemaThanKnownIsAnError) {
  test::TempDir dir;
  const auto path = dir.file("a.db");
  ASSERT_TRUE(Store::open(path));
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_version(version) VALUES (" +
            std::to_string(latest_schema_version() + 1) + ")");
  }
  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find("newer"), std::string::npos) << store.error();
}

TEST(Migrations, UnopenablePathIsAnError) {
  test::TempDir dir;
  auto store = Store::open(dir.file("no/such/dir/a.db"));
  EXPECT_FALSE(store);
}

}  // namespace
}  // namespace cti::store
