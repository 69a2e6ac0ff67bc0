/**
 * A database outage on demand: a TCP relay on 127.0.0.1 in front of the real
 * PostgreSQL. The service is given the relay's port; `down('refuse')` cuts
 * every open connection and stops listening (as when a database Machine
 * restarts); `down('hang')` cuts them and then accepts connections that never
 * answer (as when a network path goes dark); `up()` relays again.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class DatabaseRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private hanging = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    await this.down('refuse');
    this.hanging = false;
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      if (this.hanging) return;
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async down(mode: 'refuse' | 'hang'): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (mode === 'hang' && this.server) {
      this.hanging = true;
      return;
    }
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The URL with the host and port of the relay in place of the database's. */
  urlThrough(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }
}
