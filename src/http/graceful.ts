import type { Server } from 'node:http';
import net, { type Socket } from 'node:net';

/**
 * A graceful stop for a node:http server: stop accepting, end idle connections now, and end busy
 * ones as soon as their response has been handed to the OS.
 *
 * Not `server.close()` alone: on Node 20 it also drops every connection whose response was ended
 * but is still being sent, so a big feed going to a slow reader would be cut off.
 */
export function gracefulCloser(server: Server): () => Promise<void> {
  let closing = false;
  const connections = new Set<Socket>();
  const sending = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    sending.set(socket, (sending.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (sending.get(socket) ?? 1) - 1;
      if (left > 0) return void sending.set(socket, left);
      sending.delete(socket);
      if (closing) socket.end();
    });
  });
  return () => {
    closing = true;
    const closed = new Promise<void>((done) =>
      net.Server.prototype.close.call(server, () => done()),
    );
    for (const socket of connections) if (!sending.has(socket)) socket.end();
    return closed;
  };
}
