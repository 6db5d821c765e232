/**
 * The transcript both runs produce, and the normalization that makes them comparable.
 *
 * One line per operation: `<thread>\t<label>\t<value>\t<value>...`, values printed by `quote`
 * (the Lua prelude prints them the same way). Then the peer's lines: what it read on each
 * connection and how many connections it accepted.
 *
 * Normalization (the only places where the two APIs are allowed to look different):
 * 1. Lua returns multiple values; trailing nils are dropped, and nothing left reads `nil`.
 * 2. `nil, err, ""` ≡ `nil, err`: OpenResty's read errors carry a third value (the partial,
 *    possibly ""); ours throw a CosocketError whose `partial` is empty. So a thrown
 *    CosocketError prints as `nil, code` plus `partial` when it is not empty.
 * 3. Our void methods (connect, close, setKeepalive) resolve where Lua returns `1`.
 * 4. A thrown programming error (Lua `error()`, our TypeError/RangeError) prints as `error`:
 *    the kind is compared, not the message text.
 * 5. Deliberate difference (issue 16 item 5): our `close()` of an already closed socket
 *    resolves, where OpenResty returns `nil, "closed"`. So a Lua `close` that returns
 *    `nil, "closed"` is read as `1`.
 * 6. Lines are grouped by thread (main, then the light threads by name, then the peer), each
 *    thread's lines in their order. In JS every awaited call returns to its caller first, so a
 *    light thread's result may be recorded after its parent moved on even when the socket saw
 *    the same calls in the same order; what each thread got, in order, is what is compared.
 */

/** A value as a transcript token: nil, a number, or a string with bytes escaped. */
export function quote(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
  // Same escapes as the Lua prelude: control bytes, quote, backslash and bytes >= 0x7f.
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/[\x00-\x1f"\\\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

export interface Line {
  thread: string;
  label: string;
  values: string[];
}

export function formatLine(line: Line): string {
  return [line.thread, line.label, ...line.values].join('\t');
}

export function parseLine(text: string): Line {
  const [thread = '', label = '', ...values] = text.split('\t');
  return { thread, label, values };
}

/** Applies rules 1, 2, 4 and 5 to a line of the Lua run. */
export function normalizeLua(line: Line): Line {
  let values = [...line.values];
  if (values[0]?.startsWith('error')) values = ['error'];
  while (values.length > 0 && values[values.length - 1] === 'nil') values.pop();
  if (values.length === 3 && values[0] === 'nil' && values[2] === '""') values.pop();
  if (line.label.startsWith('close ') && values.join(' ') === 'nil "closed"') values = ['1'];
  if (values.length === 0) values = ['nil'];
  return { ...line, values };
}

/** Rule 6: main first, then light threads by name, then the peer; stable within each. */
export function byThread(lines: string[]): string[] {
  const rank = (line: string): string => {
    const thread = parseLine(line).thread;
    return thread === 'main' ? '0' : thread === 'peer' ? '2' : `1${thread}`;
  };
  return lines
    .map((line, i) => ({ line, i, key: rank(line) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((e) => e.line);
}
