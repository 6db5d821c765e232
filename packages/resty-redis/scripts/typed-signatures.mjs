// Turns COMMAND / COMMAND DOCS data into src/commands/typed-commands.generated.ts (used by
// gen-commands.mjs). Each command's documented arguments are typed one by one from the start
// while each takes one position (a key, a value, an option word, a choice of words); the first
// optional, repeated or multi-word part ends that, and the rest become one rest parameter:
// a repeated simple argument (`...keys: [RedisKey, ...RedisKey[]]`), or `...args: RedisArg[]`.
// So a signature never refuses a call the server takes, provided the docs are right; every
// signature is checked against the arity COMMAND reports and falls back to `...args` when they
// disagree. Container commands (CONFIG, CLIENT, ...) get one overload per subcommand.

/** Argument types that take one position, by COMMAND DOCS type. */
const SIMPLE = { key: 'RedisKey', string: 'RedisArg', integer: 'RedisArg', double: 'RedisArg', pattern: 'RedisArg', 'unix-time': 'RedisArg' };
/** Names that cannot be parameters in strict mode, or read badly as one. */
const RESERVED = new Set(['arguments', 'eval', 'function', 'new', 'delete', 'default', 'in', 'class', 'var', 'let', 'const', 'yield']);

const flagsOf = (a) => (a.flags ?? []).map(String);
const isOptional = (a) => flagsOf(a).includes('optional');
const isMultiple = (a) => flagsOf(a).includes('multiple');
const quote = (text) => `'${String(text).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const comment = (text) => String(text).replace(/\*\//g, '* /');
const ident = (name) => (/^[a-z_$][a-z0-9_$]*$/.test(name) ? name : quote(name));

function camel(name) {
  const words = String(name)
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const id = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('') || 'arg';
  return RESERVED.has(id) ? `${id}Arg` : /^[0-9]/.test(id) ? `arg${id}` : id;
}

function plural(name) {
  if (/(s|x|sh|ch)$/.test(name)) return `${name}es`;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}

/** The union of option words and value types (a string value covers every word). */
function union(types) {
  if (types.includes('RedisArg')) return 'RedisArg';
  const tokens = types.includes('RedisKey') ? [] : types.filter((t) => t.startsWith('T:')).map((t) => t.slice(2));
  const rest = [...new Set(types.filter((t) => !t.startsWith('T:')))];
  const parts = tokens.length ? [`RedisToken<${[...new Set(tokens)].join(' | ')}>`, ...rest] : rest;
  return parts.join(' | ');
}

/** The type of an argument that takes exactly one position (flags aside), or null. */
function oneType(a) {
  if (a.type === 'pure-token') return `T:${quote(a.token)}`;
  if (a.token) return null; // `TOKEN value`: two positions
  if (SIMPLE[a.type]) return SIMPLE[a.type];
  if (a.type === 'oneof') {
    const alternatives = a.arguments.map((alt) => (flagsOf(alt).length ? null : oneType(alt)));
    return alternatives.includes(null) ? null : union(alternatives);
  }
  return null; // a block: several positions
}
const finalType = (t) => (t.startsWith('T:') ? union([t]) : t);

/** Required blocks are their parts, in place. */
const flatten = (args) => args.flatMap((a) => (a.type === 'block' && flagsOf(a).length === 0 ? flatten(a.arguments) : [a]));

/**
 * Parameters for the documented arguments: `{ params, min, max }` (min and max count positions;
 * max is Infinity with a rest parameter).
 */
function parameters(args) {
  const seq = flatten(args ?? []);
  const params = [];
  let i = 0;
  for (; i < seq.length && flagsOf(seq[i]).length === 0 && oneType(seq[i]); i++) params.push({ name: seq[i].name, type: finalType(oneType(seq[i])) });
  const tail = seq.slice(i);
  let min = params.length;
  let max = params.length;
  const head = tail[0];
  const after = tail.slice(1);
  const simpleAfter = after.every((a) => flagsOf(a).length === 0 && oneType(a));
  if (tail.length === 0) {
    // nothing left
  } else if (tail.length === 1 && flagsOf(head).join() === 'optional' && oneType(head)) {
    params.push({ name: head.name, type: finalType(oneType(head)), optional: true });
    max += 1;
  } else if (isMultiple(head) && oneType(head) && simpleAfter && flagsOf(head).every((f) => f === 'optional' || f === 'multiple')) {
    const t = finalType(oneType(head));
    const trailing = after.map((a) => finalType(oneType(a)));
    const name = [plural(camel(head.name)), ...after.map((a) => camel(a.name))].join('And');
    const items = isOptional(head) ? [`...${t}[]`, ...trailing] : [t, `...${t}[]`, ...trailing];
    params.push({ name, type: trailing.length || !isOptional(head) ? `[${items.join(', ')}]` : `${t}[]`, rest: true });
    min += (isOptional(head) ? 0 : 1) + trailing.length;
    max = Infinity;
  } else if (
    tail.length === 1 &&
    flagsOf(head).join() === 'multiple' &&
    head.type === 'block' &&
    head.arguments.every((a) => flagsOf(a).length === 0 && oneType(a))
  ) {
    const parts = head.arguments.map((a) => finalType(oneType(a)));
    params.push({ name: plural(camel(head.name)), type: `[${parts.join(', ')}, ...(${union(parts)})[]]`, rest: true });
    min += parts.length;
    max = Infinity;
  } else {
    params.push({ name: 'args', type: 'RedisArg[]', rest: true });
    max = Infinity;
  }
  return { params, min, max };
}

/** The documented syntax of one argument, as redis.io writes it. */
function syntax(a) {
  let s;
  if (a.type === 'pure-token') s = a.token;
  else if (a.type === 'oneof') s = a.arguments.map(syntax).join(' | ');
  else if (a.type === 'block') s = a.arguments.map(syntax).join(' ');
  else s = a.name;
  if (a.type === 'oneof' && !isOptional(a)) s = `<${s}>`;
  const full = a.token && a.type !== 'pure-token' ? `${a.token} ${s}` : s;
  const repeated = isMultiple(a) ? `${full} [${flagsOf(a).includes('multiple_token') ? full : s} ...]` : full;
  return isOptional(a) ? `[${repeated}]` : repeated;
}

/** The parameter list, with names made unique. */
function parameterList(params) {
  const seen = new Map();
  return params
    .map((p) => {
      let name = p.rest ? p.name : camel(p.name);
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      if (n > 1) name = `${name}${n}`;
      return p.rest ? `...${name}: ${p.type}` : `${name}${p.optional ? '?' : ''}: ${p.type}`;
    })
    .join(', ');
}

/** Whether the signature takes exactly the calls COMMAND's arity allows (|arity| counts the name parts). */
function fitsArity({ min, max }, arity, nameParts) {
  const n = Math.abs(arity) - nameParts;
  return arity > 0 ? min === n && max === n : max >= n;
}

function docComment(doc, words, indent = '  ') {
  const summary = doc.summary ? `${comment(doc.summary).replace(/\.$/, '')}.` : words.join(' ');
  const since = doc.since ? ` Since Redis ${doc.since}.` : '';
  const group = doc.group ? ` Group: ${doc.group}.` : '';
  const lines = [`${summary}${since}${group}`, '', `\`${comment([...words, ...(doc.arguments ?? []).map(syntax)].join(' '))}\``];
  if ((doc.doc_flags ?? []).map(String).includes('deprecated')) {
    const by = doc.replaced_by ? `: use ${comment(String(doc.replaced_by).replace(/`!/g, '`'))}` : '';
    lines.push(`@deprecated Since Redis ${doc.deprecated_since ?? '?'}${by}.`);
  }
  return [`${indent}/**`, ...lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`), `${indent} */`];
}

/**
 * The generated file's text (before formatting) for `entries` (from COMMAND, sorted) and
 * `docByName` (COMMAND DOCS), leaving out the `skip` names; also how many signatures were
 * written and which commands were left as `...args`.
 */
export function typedCommands(entries, docByName, version, skip) {
  const members = [];
  const untyped = [];
  let signatures = 0;
  const method = (name, doc, words, lead, arity) => {
    let shape = parameters(doc.arguments);
    if (!fitsArity(shape, arity, words.length)) {
      untyped.push(words.join(' ').toLowerCase());
      shape = { params: [{ name: 'args', type: 'RedisArg[]', rest: true }] };
    }
    members.push(...docComment(doc, words), `  ${ident(name)}(${parameterList([...lead, ...shape.params])}): Promise<RedisReply>;`);
    signatures++;
  };
  for (const c of entries) {
    if (skip.has(c.name)) continue;
    const doc = docByName.get(c.name) ?? {};
    const subs = doc.subcommands ? [...doc.subcommands.keys()].sort() : [];
    if (subs.length === 0) {
      method(c.name, doc, [c.name.toUpperCase()], [], c.arity);
      continue;
    }
    const arityOf = new Map(c.subcommands.map((s) => [String(s[0]), s[1]]));
    for (const sub of subs) {
      const word = sub.slice(sub.indexOf('|') + 1).toUpperCase();
      const lead = [{ name: 'subcommand', type: union([`T:${quote(word)}`]) }];
      method(c.name, doc.subcommands.get(sub), [c.name.toUpperCase(), word], lead, arityOf.get(sub) ?? -2);
    }
  }
  const text = [
    `// GENERATED by scripts/gen-commands.mjs from redis-server ${version} (COMMAND / COMMAND DOCS): argument types.`,
    '// Do not edit by hand: re-run the script (its header says how) and commit the result. Longer than',
    '// the usual 400 lines on purpose: one member (or one overload per subcommand) per Redis command.',
    "import type { RedisArg, RedisReply } from '../types.js';",
    "import type { RedisKey, RedisToken } from './reply-types.js';",
    '',
    '/**',
    ' * Every Redis command as a method, with the arguments COMMAND DOCS gives: leading keys, values',
    ' * and option words typed one by one, the rest as one rest parameter. Replies are `RedisReply`:',
    ' * COMMAND DOCS has no reply schema. `TypedRedisCommands` takes the hand-typed replies of the',
    ' * common commands (src/commands/*.ts) and the rest from here.',
    ' */',
    'export interface GeneratedRedisCommands {',
    ...members,
    '}',
    '',
  ].join('\n');
  return { text, signatures, untyped };
}
