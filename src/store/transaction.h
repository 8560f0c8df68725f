#pragma once
// BEGIN IMMEDIATE ... COMMIT; rolled back when left without commit() (an exception on the way).
// IMMEDIATE takes the write lock at once, so two writers wait on the busy timeout at the start
// instead of failing halfway.
namespace nta {

class Database;

class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace nta
