/**
 * `rostra admin …`: the operator's commands, over a node's admin API (docs/admin.md). They talk
 * HTTP to any node of the deployment, so they work the same on one node and on a cluster.
 *   rostra admin spaces                      live and backstage Spaces with their counts
 *   rostra admin end SPACE_ID                end a Space now
 *   rostra admin webhooks [--state S] [--space ID] [--limit N]   the webhook delivery log
 *   rostra admin webhooks-retry DELIVERY_ID  send a failed delivery again
 * Flags: --url (default http://127.0.0.1:8080), --token (a token
 * with the admin grant, e.g. from `rostra token --grants admin`), --json (print the raw answer).
 */
export const ADMIN_HELP = `usage: rostra admin <command> [--url URL] [--token TOKEN] [--json]
  spaces                                   live and backstage Spaces with listener counts
  end SPACE_ID                             end a Space now
  webhooks [--state pending|delivered|failed] [--space ID] [--limit N]
                                           the webhook delivery log, newest first
  webhooks-retry DELIVERY_ID               send a failed webhook delivery again
  --url defaults to http://127.0.0.1:8080; --token is a token with the admin grant
`;

type Out = (text: string) => void;

export async function runAdminCommand(
  rest: readonly string[],
  flags: Record<string, string>,
  out: Out = (t) => process.stdout.write(t),
  err: Out = (t) => process.stderr.write(t),
): Promise<number> {
  const [sub = '', arg] = rest;
  if (flags['--help'] || sub === '' || sub === 'help') {
    out(ADMIN_HELP);
    return sub === '' && !flags['--help'] ? 2 : 0;
  }
  const base = (flags['--url'] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = flags['--token'] ?? '';
  if (!token) {
    err('rostra admin: --token with the admin grant is required\n');
    return 2;
  }
  const call = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}` } });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
      throw new Error(`${res.status} ${e?.code ?? ''}: ${e?.message ?? 'request failed'}`);
    }
    return body;
  };
  const print = (body: unknown, lines: () => string[]) =>
    out(flags['--json'] ? JSON.stringify(body, null, 2) + '\n' : lines().join('\n') + '\n');
  const needArg = (what: string) => {
    if (!arg) throw new Error(`rostra admin ${sub}: ${what} is required`);
    return encodeURIComponent(arg);
  };
  try {
    if (sub === 'spaces') {
      const body = (await call('GET', '/v1/admin/spaces')) as { spaces: AdminSpace[] };
      print(body, () =>
        body.spaces.length === 0
          ? ['no live or backstage Space']
          : body.spaces.map(
              (s) =>
                `${s.space.id}  ${s.space.state.padEnd(9)}  listening ${s.counts?.listeningNow ?? '?'}  on stage ${s.stage ?? '?'}  ${s.space.title}`,
            ),
      );
      return 0;
    }
    if (sub === 'end') {
      const body = await call('POST', `/v1/admin/spaces/${needArg('SPACE_ID')}/end`);
      print(body, () => [`ended ${arg}`]);
      return 0;
    }
    if (sub === 'webhooks') {
      const q = new URLSearchParams();
      if (flags['--state']) q.set('state', flags['--state']);
      if (flags['--space']) q.set('spaceId', flags['--space']);
      if (flags['--limit']) q.set('limit', flags['--limit']);
      const body = (await call('GET', `/v1/admin/webhooks/deliveries?${q.toString()}`)) as {
        deliveries: AdminDelivery[];
      };
      print(body, () =>
        body.deliveries.length === 0
          ? ['no deliveries']
          : body.deliveries.map(
              (d) =>
                `${new Date(d.createdAt).toISOString()}  ${d.state.padEnd(9)}  ${d.type.padEnd(16)}  tries ${d.attempts}  ` +
                `${d.lastStatus ?? d.lastError ?? '-'}  ${d.url}  ${d.id}`,
            ),
      );
      return 0;
    }
    if (sub === 'webhooks-retry') {
      const body = await call('POST', `/v1/admin/webhooks/deliveries/${needArg('DELIVERY_ID')}/retry`);
      print(body, () => [`queued ${arg} again`]);
      return 0;
    }
    err(`rostra admin: unknown command '${sub}'\n\n${ADMIN_HELP}`);
    return 2;
  } catch (e) {
    err(`rostra admin: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

interface AdminSpace {
  space: { id: string; state: string; title: string };
  counts: { listeningNow: number } | null;
  stage: number | null;
}

interface AdminDelivery {
  id: string;
  type: string;
  url: string;
  state: string;
  attempts: number;
  createdAt: number;
  lastStatus: number | null;
  lastError: string | null;
}
