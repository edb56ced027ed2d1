import { useDeferredValue, useState } from 'react';
import { AccountsTable } from './AccountsTable.js';

export function AccountsPage() {
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search);
  return (
    <div data-testid="page-accounts">
      <h1>Accounts</h1>
      <div className="toolbar">
        <input
          placeholder="search account id"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="account-search"
        />
        <span className="muted">
          default order: closest to liquidation first; click a header to sort (on the engine)
        </span>
      </div>
      <AccountsTable search={deferred} />
    </div>
  );
}
