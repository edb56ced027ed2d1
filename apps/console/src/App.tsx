import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ErrorNote } from './components/ui.js';
import { type Api, createApi } from './lib/api.js';
import { clearKey, loadKey, saveKey } from './lib/key.js';
import { hrefOf, type Route } from './lib/route.js';
import { AccountDetailPage } from './pages/AccountDetailPage.js';
import { AccountsPage } from './pages/AccountsPage.js';
import { BookPage } from './pages/BookPage.js';
import { CollateralPage } from './pages/CollateralPage.js';
import { DistributionPage } from './pages/DistributionPage.js';
import { AuctionPage, LiquidationsPage } from './pages/LiquidationsPage.js';
import { ParamsPage } from './pages/ParamsPage.js';
import { QueuesPage } from './pages/QueuesPage.js';
import { StressPage, StressRunPage } from './pages/StressPage.js';
import { Link, useRoute } from './router.js';
import { type Session, SessionProvider, useLiveBook } from './session.js';

const NAV: { route: Route; label: string }[] = [
  { route: { page: 'book' }, label: 'Book health' },
  { route: { page: 'distribution' }, label: 'Margin distribution' },
  { route: { page: 'accounts' }, label: 'Accounts' },
  { route: { page: 'collateral' }, label: 'Collateral & attestations' },
  { route: { page: 'params' }, label: 'Risk parameters' },
  { route: { page: 'queues' }, label: 'Queues & workers' },
  { route: { page: 'liquidations' }, label: 'Liquidations & auctions' },
  { route: { page: 'stress' }, label: 'Stress & contagion' },
];

function Login(props: { onKey: (key: string) => void; error?: unknown }) {
  const [value, setValue] = useState('');
  return (
    <div className="login">
      <h1>xmargin console</h1>
      <p>Sign in with an admin or operator API key (`pnpm demo` prints a link with one).</p>
      <ErrorNote error={props.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) props.onKey(value.trim());
        }}
      >
        <input
          type="password"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="xm_admin_…"
          data-testid="login-key"
        />
        <button type="submit">Sign in</button>
      </form>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'book':
      return <BookPage />;
    case 'distribution':
      return <DistributionPage />;
    case 'accounts':
      return <AccountsPage />;
    case 'account':
      return <AccountDetailPage id={route.id} />;
    case 'collateral':
      return <CollateralPage />;
    case 'params':
      return <ParamsPage />;
    case 'queues':
      return <QueuesPage />;
    case 'liquidations':
      return <LiquidationsPage />;
    case 'auction':
      return <AuctionPage id={route.id} />;
    case 'stress':
      return <StressPage />;
    case 'stress-run':
      return <StressRunPage id={route.id} />;
    default:
      return <p>No page at /console/{route.path}.</p>;
  }
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const live = useLiveBook(session.api);
  const active =
    route.page === 'account'
      ? 'accounts'
      : route.page === 'auction'
        ? 'liquidations'
        : route.page === 'stress-run'
          ? 'stress'
          : route.page;
  return (
    <div className="shell">
      <nav className="nav">
        <div className="nav-inner">
          <div className="brand">xmargin</div>
          {NAV.map((n) => (
            <Link
              key={n.label}
              href={hrefOf(n.route)}
              className={n.route.page === active ? 'active' : ''}
              testId={`nav-${n.route.page}`}
            >
              {n.label}
            </Link>
          ))}
          <div className="nav-foot">
            <div className={live.connected ? 'live on' : 'live'} data-testid="live">
              {live.connected ? '● live' : '○ offline'} · {live.events} updates
            </div>
            <div className="muted">
              {session.name} ({session.role})
            </div>
            <button type="button" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
      </nav>
      <main className="main">
        <Page route={route} />
      </main>
    </div>
  );
}

export function App() {
  const [key, setKey] = useState<string | null>(() => loadKey());
  const api: Api | null = useMemo(() => (key ? createApi(key) : null), [key]);
  const who = useQuery({
    queryKey: ['whoami', key],
    enabled: api !== null,
    retry: false,
    queryFn: () => (api as Api).get<{ name: string; role: string }>('/admin/whoami'),
  });
  if (!api)
    return (
      <Login
        onKey={(k) => {
          saveKey(k);
          setKey(k);
        }}
      />
    );
  if (who.isPending) return <div className="login muted">signing in…</div>;
  if (who.isError || !who.data) {
    return (
      <Login
        error={who.error}
        onKey={(k) => {
          saveKey(k);
          setKey(k);
        }}
      />
    );
  }
  const role = who.data.role === 'admin' ? 'admin' : 'operator';
  const session: Session = { api, name: who.data.name, role, canWrite: role === 'admin' };
  return (
    <SessionProvider session={session}>
      <Shell
        session={session}
        onSignOut={() => {
          clearKey();
          setKey(null);
        }}
      />
    </SessionProvider>
  );
}
