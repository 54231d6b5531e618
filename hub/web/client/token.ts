// sessionStorage: the token lasts as long as the tab, and is not shared with other tabs or kept on disk.
const KEY = 'iot-console.token';

export function loadToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** What the hub can accept in a `bearer.<token>` subprotocol: HTTP token characters. */
export function tokenProblem(token: string): string | undefined {
  if (token === '') return 'Enter the operator token.';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(token))
    return 'That is not a token: it has spaces or symbols a token cannot have.';
  return undefined;
}
