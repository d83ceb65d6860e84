import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { loopbackClientUid, uidOfClient } from './loopbackPeer.js';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 111 1 0000000000000000 20 4 30 10 -1
   1: 0100007F:1F90 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 112 1 0000000000000000 20 4 30 10 -1
`;

test('the uid of the client side of a loopback connection, from a /proc/net/tcp table', () => {
  assert.equal(uidOfClient(TABLE, 0xa1b2, 0x1f90), 1000);
  assert.equal(uidOfClient(TABLE, 0x1f90, 0xa1b2), 0, 'the server side is the other line');
  assert.equal(uidOfClient(TABLE, 0xa1b3, 0x1f90), undefined);
  assert.equal(uidOfClient('', 1, 2), undefined);
});

test('on Linux, a real connection to a loopback server is found with this process uid', { skip: process.platform !== 'linux' }, async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serverPort = (server.address() as { port: number }).port;
  const accepted = new Promise<number>((resolve) => server.once('connection', (socket) => resolve(socket.remotePort!)));
  const client = connect(serverPort, '127.0.0.1');
  const clientPort = await accepted;
  assert.equal(await loopbackClientUid(clientPort, serverPort), process.getuid!());
  client.destroy();
  server.close();
});
