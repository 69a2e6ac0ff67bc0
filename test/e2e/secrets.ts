/**
 * A detector for secrets in generated files. Three kinds of finding:
 *
 * 1. Credential formats that are secret wherever they appear: private keys,
 *    Fly, GitHub, AWS, Slack, Stripe-style and OpenAI-style tokens, JWTs,
 *    literal bearer tokens.
 * 2. A password inside a URL (`scheme://user:password@host`), unless the host
 *    is loopback (the credential of a database on the developer's or CI's own
 *    machine, such as the postgres image's documented default), the value is a
 *    reference or placeholder (`${{ secrets.X }}`, `$VAR`, `<password>`, `***`),
 *    or it is shorter than 8 characters: no service generates credentials that
 *    short, while test fixtures use "pw" and "secret".
 * 3. A literal value given to a secret-named key (PASSWORD, SECRET, TOKEN,
 *    API_KEY, PRIVATE_KEY, CREDENTIALS), with the same exceptions, and the
 *    exception that the value is the password of a loopback URL in the same
 *    file (a CI service container configured with the password its URL uses).
 *    In Python only quoted literals count, so `token: str` is not a value.
 */

export interface Finding {
  path: string;
  line: number;
  rule: string;
  excerpt: string;
}

const FORMATS: readonly [string, RegExp][] = [
  ['private key', /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/],
  ['Fly.io token', /\bFlyV1 fm\d_[\w+/=-]{20,}|\bfo1_[\w-]{20,}/],
  ['GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_\w{40,})\b/],
  ['AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['API secret key', /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bsk-[A-Za-z0-9_-]{20,}/],
  ['Google API key', /\bAIza[\w-]{35}\b/],
  ['JSON Web Token', /\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/],
  ['bearer token', /\bBearer\s+(?!\$)[\w.~+/-]{20,}=*/],
];

const URL_CREDENTIAL = /\b[a-z][a-z0-9+.-]*:\/\/([^\s:/@'"`]+):([^\s@/'"`]+)@(\[[^\]]+\]|[^\s/:'"`?#]+)/gi;
const SECRET_KEY = /\b(\w*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)\w*)["']?\s*[:=]\s*(?:(["'])(.*?)\2|(\$\{\{[^}]*\}\}|[^\s"'#,]+))/gi;
const MIN_SECRET_LENGTH = 8;

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

function isPlaceholder(value: string): boolean {
  return /^(?:\$\{\{.*\}\}|\$\{?\w+\}?|%\(\w+\)s|\{\{.*\}\}|<[^>]*>|\.{3}|[x*]+)$/i.test(value.trim()) || value.trim() === '';
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function findSecrets(path: string, content: string): Finding[] {
  const findings: Finding[] = [];
  const lines = content.split('\n');
  const loopbackPasswords = new Set<string>();
  for (const match of content.matchAll(URL_CREDENTIAL)) {
    if (isLoopback(match[3]!)) loopbackPasswords.add(decode(match[2]!));
  }
  const python = path.endsWith('.py');
  lines.forEach((text, index) => {
    const report = (rule: string) => findings.push({ path, line: index + 1, rule, excerpt: text.trim().slice(0, 120) });
    for (const [rule, pattern] of FORMATS) if (pattern.test(text)) report(rule);
    for (const match of text.matchAll(URL_CREDENTIAL)) {
      const password = decode(match[2]!);
      if (isLoopback(match[3]!) || isPlaceholder(password) || password.length < MIN_SECRET_LENGTH) continue;
      report(`password in a URL to ${match[3]}`);
    }
    for (const match of text.matchAll(SECRET_KEY)) {
      const quoted = match[3];
      const value = quoted ?? match[4] ?? '';
      if (python && quoted === undefined) continue;
      if (value.includes('://')) continue; // a URL: judged by the URL rule
      if (isPlaceholder(value) || value.length < MIN_SECRET_LENGTH || loopbackPasswords.has(value)) continue;
      report(`literal value for ${match[1]}`);
    }
  });
  return findings;
}
