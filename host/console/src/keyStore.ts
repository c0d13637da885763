const KEY = 'toolhost.console.key';

/** The admin key lives in this tab's sessionStorage only: gone when the tab closes, never in a URL. */
export const keyStore = {
  read(): string | null {
    return sessionStorage.getItem(KEY);
  },
  write(key: string): void {
    sessionStorage.setItem(KEY, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
