// connect('unix:/path') against a private FerretDB listening on a unix socket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mongo } from 'resty-mongo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onDemandSkip, startFerretDB } from '../../servers/index.js';

const skip = onDemandSkip('ferretdb');

describe.skipIf(skip)(`resty-mongo over a unix socket ${skip || ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rm-unix-'));
  const path = join(dir, 'ferretdb.sock');
  beforeAll(async () => {
    await startFerretDB({ args: [`--listen-unix=${path}`] });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('connects, works and pools under the unix: name', async () => {
    const m = new Mongo();
    await m.connect(`unix:${path}`);
    const col = m.db('unixdb').collection('t');
    await col.insertOne({ via: 'unix' });
    expect(await col.findOne({ via: 'unix' }, { projection: { _id: 0 } })).toEqual({ via: 'unix' });
    await m.setKeepalive();
    await m.connect(`unix:${path}`);
    expect(m.getReusedTimes()).toBe(1);
    await m.close();
  });
});
