import net, { type AddressInfo, type Socket } from 'node:net';

export interface TcpProxy {
  /** `http://localhost:<port>`: the proxied service as seen through the proxy. */
  url: string;
  /** Stops listening and cuts every open connection: the service is unreachable from then on. */
  close(): Promise<void>;
}

/** A TCP proxy to a local port, so a test can take a real service off the network mid-run. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(targetPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
