// The API names the field it refused (`field`) and says why in its own terms ("email: Invalid
// email address", "name: must not be empty", zod's "Too small: expected …"). Forms show the
// message next to the field, so the path goes and the reason is said in words.

const RULES: [RegExp, string | ((m: RegExpMatchArray) => string)][] = [
  [/invalid email/i, 'Enter a valid email address'],
  [/must not be empty|required|expected (string|number|array), received undefined|expected string to have >=1 characters?/i, 'This field is required'],
  [/expected string to have <=(\d+) characters?/i, (m) => `Use at most ${m[1]} characters`],
  [/expected number to be >=(\d+)|must be at least (\d+)/i, (m) => `Enter a number of at least ${m[1] ?? m[2]}`],
  [/must be at most (\d+)/i, (m) => `Enter a number of at most ${m[1]}`],
  [/must be an integer/i, 'Enter a whole number'],
  [/address or CIDR/i, 'Enter IP addresses or CIDR ranges, such as 10.0.0.0/8'],
  [/expected number to be <=(\d+)/i, (m) => `Enter a number of at most ${m[1]}`],
  [/expected int(eger)?|expected number, received/i, 'Enter a whole number'],
  [/invalid url|must be an? (http|absolute|valid) ?url/i, 'Enter a full URL, such as https://api.example.com/v1'],
  [/expiry must be in the future|in the past/i, 'Choose an expiry in the future'],
  [/invalid option: expected one of/i, 'Choose one of the options'],
  [/must list at least one/i, 'Pick at least one'],
];

/** "pricing.inputPerMTok" → "pricing input per m tok": only for form-level messages with no field of their own. */
export function humanField(field: string): string {
  return field.split('.').filter((p) => !/^\d+$/.test(p)).join(' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/Id\b/g, '').trim().toLowerCase();
}

/** The reason alone, in words, for a message the API wrote about `field`. */
export function inWords(message: string, field?: string): string {
  let m = message;
  if (field && m.startsWith(`${field}: `)) m = m.slice(field.length + 2);
  for (const [re, out] of RULES) {
    const hit = m.match(re);
    if (hit) return typeof out === 'string' ? out : out(hit);
  }
  // "teamId does not name a team of this organisation" → "Team does not name …"
  if (field && m.startsWith(`${field} `)) m = `${humanField(field)}${m.slice(field.length)}`;
  return m.charAt(0).toUpperCase() + m.slice(1);
}
