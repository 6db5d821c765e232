/**
 * cosocket: OpenResty-style coroutine sockets for Node.js (pull-based `receive`, per-phase
 * timeouts, TLS, keepalive pools) and request contexts with light threads and `named`
 * connections. See the package README.
 *
 * @module cosocket
 */
export { configure, type CosocketConfig, type Logger } from './config.js';
export { CosocketError, OperationError, ProtocolError, keepsConnection, locateError } from './errors.js';
export { tcp, TcpSocket, type TcpOptions, type SslHandshakeOptions, type UntilReader } from './socket.js';
export type { ConnectOptions } from './args.js';
export type { SendData } from './send-data.js';
export { SslSession } from './connector.js';
export {
  checkTlsOptions,
  clientTls,
  startTls,
  tlsPoolTag,
  type ClientLayerTls,
  type ClientTlsOptions,
  type TlsConnectOptions,
} from './tls-options.js';
export { receiveFrame, FrameError, type FrameSpec, type Frame, type FrameSource } from './frame.js';
export {
  Multiplexer,
  DEFAULT_MAX_PENDING,
  type MultiplexProtocol,
  type MultiplexerOptions,
  type MultiplexerStatus,
  type ReplyRead,
  type RequestBatch,
} from './multiplexer.js';
export { MultiplexedClient } from './multiplexed-client.js';
export { poolStats, closeAllPools, closePool, POOL_CHANNEL, type PoolStats, type PoolEvent } from './pool.js';
export { ConnectionSlot } from './connection-slot.js';
export {
  ClientPool,
  DEFAULT_CLIENT_CONNECT_TIMEOUT,
  DEFAULT_MAX_WAITING,
  type ClientPoolOptions,
  type PooledConnection,
  type PoolConnectOptions,
} from './client-pool.js';
export { badUrl, maskUrl } from './url-error.js';
export {
  withContext,
  runDetached,
  ctx,
  spawn,
  wait,
  waitAll,
  kill,
  timerAt,
  named,
  LightThread,
  LEAK_CHANNEL,
  type ThreadStatus,
  type TimerHandle,
  type Releasable,
  type ThreadValues,
} from './context.js';
