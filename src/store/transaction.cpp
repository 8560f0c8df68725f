#include "store/transaction.h"

#include <sqlite3.h>

#include "store/database.h"

namespace nta {

Transaction::Transaction(Database& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
  open_ = true;
}

Transaction::~Transaction() {
  // Rolling back cannot usefully fail here (the error that brought us here is already flying);
  // SQLite rolls back by itself when the connection closes in any case.
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace nta
