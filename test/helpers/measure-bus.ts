/**
 * Measures what one live Space costs the bus in cluster mode: messages and bytes per second
 * the home publishes (audio batches, heartbeats, bulletins) and what edges publish (presence),
 * with a werift speaker and listeners spread over the edges. Listener count does not change
 * these numbers; run with two listener counts to see it.
 *
 *   node --import tsx test/helpers/measure-bus.ts [listenersPerEdge=5] [seconds=10]
 */
import { startMemoryCluster } from './mem-cluster.js';
import { api, signUp, TestSocket } from './server.js';
import { publishTone } from './werift-speaker.js';

const perEdge = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 10);

const c = await startMemoryCluster(3);
const [a, b, d] = c.nodes.map((n) => n.url) as [string, string, string];
const host = await signUp(a, 'host');
const created = await api<{ space: { id: string } }>(a, 'POST', '/v1/spaces', {
  token: host.token,
  body: { title: 'M' },
});
const spaceId = created.body.space.id;
await api(a, 'POST', `/v1/spaces/${spaceId}/actions`, { token: host.token, body: { type: 'go_live' } });
const speaker = await publishTone(a, spaceId, host.token);
await api(a, 'POST', `/v1/spaces/${spaceId}/actions`, { token: host.token, body: { type: 'unmute' } });
const sockets: TestSocket[] = [];
for (let i = 0; i < perEdge * 2; i++) {
  const s = await TestSocket.open(i % 2 ? b : d, `/v1/spaces/${spaceId}/listen`);
  await s.waitType('welcome');
  sockets.push(s);
}
await new Promise((r) => setTimeout(r, 1000));
c.meter.clear();
const before = c.broker.stats;
await new Promise((r) => setTimeout(r, seconds * 1000));
const after = c.broker.stats;
const rows = [...c.meter].map(([kind, m]) => ({
  kind,
  'msg/s': +(m.messages / seconds).toFixed(1),
  'bytes/s': Math.round(m.bytes / seconds),
  'bytes/msg': Math.round(m.bytes / Math.max(1, m.messages)),
}));
console.log(`1 live Space, 1 speaker, 3 nodes, ${perEdge * 2} listeners on 2 edges, ${seconds} s`);
console.table(rows);
console.log(
  `published ${((after.published - before.published) / seconds).toFixed(1)}/s, delivered (x subscribing nodes) ${(
    (after.delivered - before.delivered) /
    seconds
  ).toFixed(1)}/s`,
);
for (const s of sockets) s.close();
await speaker.close();
await c.stop();
