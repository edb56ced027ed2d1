import { type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './lib/route.js';

const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  window.addEventListener('popstate', l);
  return () => {
    listeners.delete(l);
    window.removeEventListener('popstate', l);
  };
};

export function navigate(href: string): void {
  window.history.pushState(null, '', href);
  for (const l of listeners) l();
}

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  return parseRoute(path);
}

export function Link(props: { href: string; children: ReactNode; className?: string; testId?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick} className={props.className} data-testid={props.testId}>
      {props.children}
    </a>
  );
}
