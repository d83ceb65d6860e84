/**
 * Linux: which user owns the other end of a TCP connection on loopback, from /proc/net/tcp and
 * /proc/net/tcp6 (the socket tables of this network namespace; every user may read them).
 */
import { readFile } from 'node:fs/promises';

/** Ports in /proc/net/tcp are hex after the colon of `ADDRESS:PORT`. */
function port(field: string | undefined): number {
  return parseInt(field?.split(':')[1] ?? '', 16);
}

/**
 * The uid of the socket whose local port is `clientPort` and whose remote port is `serverPort`
 * (the client's side of a connection to our server), from the text of a /proc/net/tcp table.
 */
export function uidOfClient(table: string, clientPort: number, serverPort: number): number | undefined {
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    if (port(fields[1]) === clientPort && port(fields[2]) === serverPort) return Number(fields[7]);
  }
  return undefined;
}

export async function loopbackClientUid(clientPort: number, serverPort: number): Promise<number | undefined> {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    const uid = uidOfClient(text, clientPort, serverPort);
    if (uid !== undefined) return uid;
  }
  return undefined;
}
