/** Console pages by path under /console/ (every page is linkable). */
export type Route =
  | { page: 'book' }
  | { page: 'distribution' }
  | { page: 'accounts' }
  | { page: 'account'; id: string }
  | { page: 'collateral' }
  | { page: 'params' }
  | { page: 'queues' }
  | { page: 'liquidations' }
  | { page: 'stress' }
  | { page: 'not-found'; path: string };

export const BASE = '/console/';

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE)
    ? pathname.slice(BASE.length)
    : pathname.replace(/^\/console\/?/, '');
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, second] = parts;
  if (head === undefined) return { page: 'book' };
  if (head === 'accounts' && second !== undefined) return { page: 'account', id: second };
  const simple = [
    'distribution',
    'accounts',
    'collateral',
    'params',
    'queues',
    'liquidations',
    'stress',
  ] as const;
  const found = simple.find((p) => p === head);
  return found ? { page: found } : { page: 'not-found', path: rest };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'book':
      return BASE;
    case 'account':
      return `${BASE}accounts/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return `${BASE}${route.path}`;
    default:
      return `${BASE}${route.page}`;
  }
}
