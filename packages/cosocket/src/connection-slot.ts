import { CosocketError } from './errors.js';
import { connectionOf, type TcpSocket } from './socket.js';
import type { Transport } from './transport.js';

/**
 * A typed value that lives with one connection: it survives `setKeepalive` and the `connect`
 * that takes the connection from the pool again (through any socket object), and it is gone
 * when the connection closes. For what a client learns once per connection and must not
 * learn again on reuse, e.g. the server limits of a MongoDB handshake:
 *
 * ```ts
 * const limits = new ConnectionSlot<ServerLimits>('mongo server limits'); // once per module
 * await sock.connect(host, port);
 * let known = limits.get(sock); // undefined on a fresh connection
 * if (known === undefined) limits.set(sock, (known = await handshake(sock)));
 * ```
 *
 * Each slot object is its own key, so two modules never clash. Values are held weakly by the
 * connection: nothing needs pruning when it closes.
 */
export class ConnectionSlot<T> {
  private readonly values = new WeakMap<Transport, T>();

  /** `description` only names the slot (for debugging); it is not the key. */
  constructor(readonly description: string) {}

  /** The value set on this connection, or undefined (a fresh connection has none). Throws `closed` without a connection. */
  get(sock: TcpSocket<Buffer> | TcpSocket<string>): T | undefined {
    return this.values.get(liveConnection(sock));
  }

  /** Sets the value for as long as this connection lives. Throws `closed` without a connection. */
  set(sock: TcpSocket<Buffer> | TcpSocket<string>, value: T): void {
    this.values.set(liveConnection(sock), value);
  }

  /** Removes the value from this connection; whether there was one. Throws `closed` without a connection. */
  delete(sock: TcpSocket<Buffer> | TcpSocket<string>): boolean {
    return this.values.delete(liveConnection(sock));
  }
}

function liveConnection(sock: TcpSocket<Buffer> | TcpSocket<string>): Transport {
  const transport = connectionOf(sock);
  if (transport === null) throw new CosocketError('closed');
  return transport;
}
