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
  | { page: 'auction'; id: string }
  | { page: 'stress' }
  | { page: 'stress-run'; id: string }
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
  if (head === 'liquidations' && second !== undefined) return { page: 'auction', id: second };
  if (head === 'stress' && second !== undefined) return { page: 'stress-run', id: second };
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
    case 'auction':
      return `${BASE}liquidations/${encodeURIComponent(route.id)}`;
    case 'stress-run':
      return `${BASE}stress/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return `${BASE}${route.path}`;
    default:
      return `${BASE}${route.page}`;
  }
}
