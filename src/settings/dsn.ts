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

/** A DSN taken apart: what identifies a Sentry project and where its ingest is. */
export interface DsnParts {
  /** `https:` or `http:` */
  protocol: string;
  /** Lower-cased host name (brackets kept for IPv6), without the port. */
  hostname: string;
  /** The port as written, '' for the protocol's default. */
  port: string;
  publicKey: string;
  /** A path before the project id (Sentry self-hosted behind a prefix), '' or starting with '/'. */
  pathPrefix: string;
  projectId: string;
}

/**
 * The parts of a DSN, checked as parsePublicDsn checks it, for comparing two DSNs or building an
 * ingest URL (the tunnel). The URL parser normalises host case and default ports.
 */
export function dsnParts(value: string): DsnParts | { problem: string } {
  const parsed = parsePublicDsn(value);
  if ('problem' in parsed) return parsed;
  const url = new URL(parsed.dsn);
  const slash = url.pathname.lastIndexOf('/');
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port,
    publicKey: url.username,
    pathPrefix: url.pathname.slice(0, slash),
    projectId: url.pathname.slice(slash + 1),
  };
}
