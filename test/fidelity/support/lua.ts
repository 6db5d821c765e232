import { opLabel, type Bytes, type ConnectOpts, type Op, type Scenario } from './scenario.js';

/**
 * Translates a scenario into the Lua chunk the private nginx runs in `content_by_lua_block`.
 * The chunk returns its transcript lines; values are printed by `q`, which escapes exactly as
 * `quote` in transcript.ts does.
 */
/** A loopback port nothing listens on (tcpmux, never served here): connect is refused. */
export const REFUSED_PORT = 1;

export interface LuaTarget {
  host: string;
  port: number;
  unixPath: string;
}

const PRELUDE = `
local out = {}
local OK = {}
local function q(v)
  if v == nil then return "nil" end
  if v == OK then return "ok" end
  if type(v) == "number" or type(v) == "boolean" then return tostring(v) end
  return '"' .. tostring(v):gsub('[%z\\1-\\31"\\\\\\127-\\255]', function(c) return string.format("\\\\x%02x", c:byte()) end) .. '"'
end
local function call(th, label, f)
  local function record(ok, ...)
    local parts = { th, label }
    if not ok then
      parts[3] = "error: " .. q(tostring((...)))
    else
      for i = 1, select("#", ...) do parts[#parts + 1] = q((select(i, ...))) end
    end
    out[#out + 1] = table.concat(parts, "\\t")
  end
  record(pcall(f))
end
local S, IT, T, W = {}, {}, {}, {}
local function sock(name)
  local s = S[name]
  if not s then s = ngx.socket.tcp(); S[name] = s end
  return s
end
`;

/** A Lua string literal for any bytes (decimal escapes, valid in Lua 5.1 and LuaJIT). */
export function luaString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    out += /[A-Za-z0-9 _.,:;*+-]/.test(ch) ? ch : `\\${String(c).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function bytesExpr(data: Bytes): string {
  return typeof data === 'string' ? luaString(data) : `string.rep(${luaString(data.repeat)}, ${data.times})`;
}

function connectOpts(opts: ConnectOpts | undefined, port: number): string {
  if (opts === undefined) return '';
  const fields: string[] = [];
  if (opts.pool !== undefined) fields.push(`pool = ${luaString(`${opts.pool}@${port}`)}`);
  if (opts.poolSize !== undefined) fields.push(`pool_size = ${opts.poolSize}`);
  if (opts.backlog !== undefined) fields.push(`backlog = ${opts.backlog}`);
  return `, { ${fields.join(', ')} }`;
}

function statement(th: string, op: Op, target: LuaTarget): string {
  const label = luaString(opLabel(op));
  const call = (body: string): string => `call(${luaString(th)}, ${label}, function() ${body} end)`;
  switch (op.op) {
    case 'tcp':
      return call(`S[${luaString(op.s)}] = ngx.socket.tcp(); return OK`);
    case 'connect': {
      const s = `sock(${luaString(op.s)})`;
      const opts = connectOpts(op.opts, target.port);
      return op.unix
        ? call(`return ${s}:connect(${luaString(`unix:${target.unixPath}`)}${opts})`)
        : call(`return ${s}:connect(${luaString(target.host)}, ${op.refused ? REFUSED_PORT : target.port}${opts})`);
    }
    case 'settimeout':
      return call(`return sock(${luaString(op.s)}):settimeout(${op.ms})`);
    case 'settimeouts':
      return call(`return sock(${luaString(op.s)}):settimeouts(${op.connect}, ${op.send}, ${op.read})`);
    case 'send':
      return call(`return sock(${luaString(op.s)}):send(${bytesExpr(op.data)})`);
    case 'receive': {
      const arg = op.pattern === undefined ? '' : typeof op.pattern === 'number' ? String(op.pattern) : luaString(op.pattern);
      return call(`return sock(${luaString(op.s)}):receive(${arg})`);
    }
    case 'receiveany':
      return call(`return sock(${luaString(op.s)}):receiveany(${op.max})`);
    case 'receiveuntil': {
      const opts = op.inclusive ? ', { inclusive = true }' : '';
      return call(
        `local it, err = sock(${luaString(op.s)}):receiveuntil(${luaString(op.pattern)}${opts}); ` +
          `if not it then return nil, err end; IT[${luaString(op.it)}] = it; return OK`,
      );
    }
    case 'read':
      return call(`return IT[${luaString(op.it)}](${op.size ?? ''})`);
    case 'setkeepalive': {
      const args = op.size !== undefined ? `${op.timeout ?? 'nil'}, ${op.size}` : op.timeout !== undefined ? String(op.timeout) : '';
      return call(`return sock(${luaString(op.s)}):setkeepalive(${args})`);
    }
    case 'close':
      return call(`return sock(${luaString(op.s)}):close()`);
    case 'reused':
      return call(`return sock(${luaString(op.s)}):getreusedtimes()`);
    case 'sleep':
      return `ngx.sleep(${op.ms / 1000})`;
    case 'spawn':
      return call(`T[${luaString(op.t)}] = ngx.thread.spawn(function() ${block(op.t, op.ops, target)} end); return OK`);
    case 'wait':
      return call(
        `W[${luaString(op.t)}] = true; local ok = ngx.thread.wait(T[${luaString(op.t)}]); if ok then return OK end; return nil, "thread failed"`,
      );
  }
}

function block(th: string, ops: Op[], target: LuaTarget): string {
  return ops.map((op) => statement(th, op, target)).join('\n');
}

/** The whole chunk: prelude, the main thread's ops, a wait for threads nobody waited for. */
export function scenarioLua(scenario: Scenario, target: LuaTarget): string {
  return [
    PRELUDE,
    block('main', scenario.ops, target),
    'for name, t in pairs(T) do if not W[name] then ngx.thread.wait(t) end end',
    'return out',
  ].join('\n');
}
