// @cosocket/test-kit: the one set of test helpers the unit tests (packages/*/test) and the
// integration tests (test/) share. In-process servers here are for socket edge cases and
// hostile bytes only; client behaviour is tested against the real servers (test/servers).
export { ChunkedSocket } from './chunked-socket.js';
export { faultProxy, flipFirstByte, FaultProxy, type Direction, type FaultProxyOptions, type Mutation } from './fault-proxy.js';
export { feeder, suiteFeeder, type Feeder, type Script } from './feeder.js';
export { readmeSnippets, runSnippet, type ReadmeSnippet } from './readme-snippets.js';
export { pongServer, scriptedServer, type ScriptedConnection, type ScriptedServer, type ScriptHandler } from './scripted-server.js';
export { bytesOf, cutAt, everySplit, type Bytes, type Split } from './splits.js';
export { closeAfterEach, eventually, failure, sleep } from './wait.js';
