/**
 * One pattern syntax for every list setting (documented in README.md, «Settings»):
 * - a string written `/source/flags` is a regular expression;
 * - for ignoreErrors, ignoreUrls and whitelistUrls any other string is a plain substring match
 *   (Sentry's own semantics for string patterns);
 * - for includePaths, which the product page defines as regex patterns, any other string is a
 *   regular expression source.
 */
export type MatchPattern = string | RegExp;

export type PatternResult<P> = { pattern: P } | { problem: string };

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;
// `g` and `y` make RegExp#test stateful (lastIndex), so the same URL would match only every other time.
const STATEFUL_FLAGS = /[gy]/g;

// A quantified group that itself ends in a quantifier, like (a+)+ or (\w*)*: the classic shape of a
// regular expression that takes exponential time on a near-miss input, which would freeze the page
// the moment an unlucky error message is tested against it. Such a pattern is refused.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[*+}]\??\)[*+{]/;
const MAX_PATTERN_LENGTH = 1000;

function compile(source: string, flags: string): PatternResult<RegExp> {
  if (source.length > MAX_PATTERN_LENGTH) return { problem: `longer than ${MAX_PATTERN_LENGTH} characters` };
  if (NESTED_QUANTIFIER.test(source)) return { problem: 'nested quantifiers can take exponential time (ReDoS)' };
  try {
    return { pattern: new RegExp(source, flags.replace(STATEFUL_FLAGS, '')) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/** ignoreErrors, ignoreUrls, whitelistUrls: `/re/flags` or a substring. */
export function parseMatchPattern(entry: string): PatternResult<MatchPattern> {
  const literal = REGEX_LITERAL.exec(entry);
  return literal ? compile(literal[1] as string, literal[2] as string) : { pattern: entry };
}

/** includePaths: every entry is a regular expression; `/re/flags` works too. */
export function parseRegexPattern(entry: string): PatternResult<RegExp> {
  const literal = REGEX_LITERAL.exec(entry);
  return literal ? compile(literal[1] as string, literal[2] as string) : compile(entry, '');
}
