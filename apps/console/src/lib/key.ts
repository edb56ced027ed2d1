const STORAGE = 'xmargin-console-key';

/** The key from a `#key=...` fragment (fragments never reach the server or its logs). */
export function keyFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const key = params.get('key');
  return key && key.length >= 16 ? key : null;
}

/** Takes the key from the URL fragment (and removes it from the address bar) or from this tab's storage. */
export function loadKey(): string | null {
  const fromHash = keyFromHash(window.location.hash);
  if (fromHash) {
    sessionStorage.setItem(STORAGE, fromHash);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem(STORAGE);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(STORAGE, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(STORAGE);
}
