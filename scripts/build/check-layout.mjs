// `node scripts/build/check-layout.mjs`: keeps src/ in folders, one per part (ARCHITECTURE.md, «Code map»),
// with imports running one way: nothing imports an entry, no file reaches itself through its imports (type-only
// ones included: a reader follows those too), and the loader's entry reaches no Sentry code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The only files directly under src/: the full bundle's entry and the published types. */
const TOP_LEVEL_FILES = ['index.ts', 'public-types.ts'];
/** What runs when loaded (or is published as its own module): importing one would run it twice, or pull a part up. */
const ENTRIES = ['index.ts', 'loader/index.ts', 'extras/tracing.ts', 'extras/replay.ts', 'plugin/index.ts', 'plugin/sentry.ts', 'tunnel/handler.ts', 'tunnel/node.ts'];
/**
 * The parts, lowest first: a part imports from its own folder and from parts below it, never from one beside or
 * above it (type-only imports too: a reader follows them as well). The tunnel stands beside the browser parts and
 * uses only the DSN parsing below it.
 */
const PART_ORDER = ['shared', 'loader', 'settings', 'sentry', 'consent', 'segment', 'api', 'extras', 'plugin'];
const PART_BELOW = { tunnel: ['shared', 'settings'] };

/**
 * The loader, and the npm plugin's first part (what an app's first chunk gets), stay small and Sentry-free: whatever
 * they import statically, however deep, must not reach these. (The plugin's dynamic import() of its Sentry part is
 * the one way to it: the app's bundler splits that into a chunk of its own.)
 */
const SENTRY_FREE_ENTRIES = { 'loader/index.ts': 'the loader', 'plugin/index.ts': "the plugin's first part (reach the Sentry part with import())" };
const LOADER_FORBIDDEN = /^@sentry\//;

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** @param {string} dir @returns {string[]} every .ts file below dir */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * What a file imports; `typeOnly` for `import type` / `export type`, which compile to nothing; `dynamic` for `import()`.
 * @param {string} file @returns {Array<{ specifier: string, typeOnly: boolean, dynamic: boolean }>}
 */
function importsOf(file) {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => ({
    specifier: /** @type {string} */ (match[2] ?? match[3]),
    typeOnly: Boolean(match[1]),
    dynamic: match[3] !== undefined,
  }));
}

/** The file a relative specifier names (TypeScript's extensionless form), or undefined for a package. */
function resolveRelative(/** @type {string} */ from, /** @type {string} */ specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  // A `.js` specifier names the `.ts` source (TypeScript's rule for ES module imports).
  const source = base.endsWith('.js') ? `${base.slice(0, -3)}.ts` : base;
  return [source, `${base}.ts`, `${base}.d.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
}

/**
 * Files that reach themselves through their imports: a circle for each import that closes one, as a walk in
 * file order meets it (at least one wherever there is any), named from the file where the walk entered it.
 * @param {string} root @param {string[]} files @returns {string[]}
 */
function importCycles(root, files) {
  /** @type {string[]} */
  const problems = [];
  /** @type {Map<string, 'open' | 'done'>} */
  const state = new Map();
  // `path`: the files from where the walk started down to `file`, each importing the next.
  const visit = (/** @type {string} */ file, /** @type {string[]} */ path) => {
    state.set(file, 'open');
    for (const { specifier } of importsOf(file)) {
      const target = resolveRelative(file, specifier);
      if (!target) continue;
      if (state.get(target) === 'open') {
        const circle = path.slice(path.indexOf(target));
        problems.push(`${[...circle, target].map((path) => relative(root, path)).join(' → ')}: imports run in a circle; move the piece they share to where the arrows run one way`);
      } else if (!state.has(target)) {
        visit(target, [...path, target]);
      }
    }
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file, [file]);
  return problems;
}

/** The part (folder under src/) a file belongs to, or undefined for the files directly under src/. */
function partOf(/** @type {string} */ src, /** @type {string} */ file) {
  const path = relative(src, file).split(/[\\/]/);
  return path.length > 1 ? path[0] : undefined;
}

/**
 * Each import that runs up or sideways between parts (PART_ORDER), naming the file, the part it reaches and the import.
 * @param {string} root @param {string[]} files every source file below src/
 */
function upwardImports(root, files) {
  const src = join(root, 'src');
  /** @type {(from: string, to: string) => boolean} */
  const mayImport = (from, to) =>
    from in PART_BELOW ? PART_BELOW[/** @type {keyof typeof PART_BELOW} */ (from)].includes(to) : PART_ORDER.indexOf(to) >= 0 && PART_ORDER.indexOf(to) < PART_ORDER.indexOf(from);
  const problems = [];
  for (const file of files) {
    const from = partOf(src, file);
    if (!from) continue;
    for (const { specifier } of importsOf(file)) {
      const target = resolveRelative(file, specifier);
      const to = target && partOf(src, target);
      if (!to || to === from || mayImport(from, to)) continue;
      problems.push(
        `${relative(root, file)}: imports ${relative(root, /** @type {string} */ (target))} ('${specifier}'), but src/${to}/ is not below src/${from}/ (${[...PART_ORDER].join(' < ')}; the tunnel uses only ${PART_BELOW.tunnel.join(' and ')}); move the piece to where the arrows run one way`,
      );
    }
  }
  return problems;
}

/**
 * Every way the tree below `root` breaks the layout, one line each, naming the file and the import.
 * @param {string} root the project folder (src/ is below it)
 * @param {string[]} importers folders whose files must not import an entry either (tests, bench, scripts)
 */
export function layoutProblems(root, importers = ['src', 'e2e', 'bench', 'scripts']) {
  const src = join(root, 'src');
  const problems = [];
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    if (entry.isFile() && !TOP_LEVEL_FILES.includes(entry.name)) {
      problems.push(`src/${entry.name}: only ${TOP_LEVEL_FILES.join(' and ')} stand directly under src/; move it into the folder of its part`);
    }
  }
  const entries = new Set(ENTRIES.map((entry) => join(src, entry)));
  for (const folder of importers.map((name) => join(root, name)).filter(existsSync)) {
    for (const file of sourceFiles(folder)) {
      for (const { specifier } of importsOf(file)) {
        const target = resolveRelative(file, specifier);
        // An entry's own folder may share it (the tunnel's Node adapter wraps the tunnel's handler).
        if (target && entries.has(target) && dirname(target) !== dirname(file)) {
          problems.push(`${relative(root, file)}: imports the entry ${relative(root, target)} ('${specifier}'); import the part it uses instead`);
        }
      }
    }
  }
  problems.push(...importCycles(root, sourceFiles(src)), ...upwardImports(root, sourceFiles(src)));
  for (const [entry, what] of Object.entries(SENTRY_FREE_ENTRIES)) {
    if (!existsSync(join(src, entry))) continue;
    const seen = new Set();
    const walk = (/** @type {string} */ file, /** @type {string[]} */ chain) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { specifier, typeOnly, dynamic } of importsOf(file)) {
        if (typeOnly || dynamic) continue;
        if (LOADER_FORBIDDEN.test(specifier)) {
          problems.push(`${[...chain, file].map((path) => relative(root, path)).join(' → ')}: imports '${specifier}'; ${what} carries no Sentry code`);
        }
        const target = resolveRelative(file, specifier);
        if (target) walk(target, [...chain, file]);
      }
    };
    walk(join(src, entry), []);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const problems = layoutProblems(fileURLToPath(new URL('../..', import.meta.url)));
  for (const problem of problems) console.error(`layout: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log('layout: src/ in folders, imports running down the parts, no import of an entry, no circle of imports, the loader and the plugin\'s first part free of Sentry code');
}
