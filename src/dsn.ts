export type DsnResult = { dsn: string; hadSecret: boolean } | { problem: string };

const EXPECTED = 'expected https://<public key>@<host>/<project id>';

/**
 * Checks a Public DSN and returns it in the form the SDK wants. A DSN carrying a secret
 * (`https://public:secret@host/1`, the legacy private DSN) is used without the secret: the secret
 * must never be sent from a browser.
 */
export function parsePublicDsn(value: string): DsnResult {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { problem: `"${value}" is not a DSN (${EXPECTED})` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `"${value}" has protocol ${url.protocol}; a DSN is http or https (${EXPECTED})` };
  }
  if (!url.username) {
    return { problem: `"${value}" has no public key (${EXPECTED})` };
  }
  const path = url.pathname.replace(/\/+$/, '');
  const projectId = path.slice(path.lastIndexOf('/') + 1);
  if (!/^\d+$/.test(projectId)) {
    return { problem: `"${value}" does not end in a numeric project id (${EXPECTED})` };
  }
  return { dsn: `${url.protocol}//${url.username}@${url.host}${path}`, hadSecret: url.password !== '' };
}
