/**
 * One line per setting for `rostra --help` (configHelp). The README's settings table says the
 * same at more length; src/app/docs-agree.test.ts checks both name the same settings, and
 * config.ts checks that every setting has a line here (a new setting without one fails typecheck).
 */
export const SETTING_HELP = {
  port: 'HTTP/WebSocket port (0 = any free port)',
  host: 'address to bind (0.0.0.0 to serve a network)',
  dataDir: 'SQLite file, token secret, recordings',
  recordingsDir: 'recordings; in a cluster, one folder shared by every node (docs/cluster.md)',
  tokenSecret:
    'HS256 secret for tokens and media URLs; created on first start if unset; required (and shared) in a cluster',
  tokenTtlS: 'lifetime of sign-in tokens, seconds',
  logLevel: 'pino level; silent to mute',
  webRoot: 'folder of the built web app',
  hostGraceMs: 'how long the host may be gone before a co-host leads',
  unattendedEndMs:
    'a live Space with nobody on stage connected (host, co-hosts, speakers all gone) ends by itself after this long; anyone on stage coming back first keeps it live; 0 = never',
  batchFrames: '20 ms frames per WebSocket audio batch (widened under load up to 20, see docs/audience.md)',
  oggPageFrames: '20 ms frames per Ogg page on the Ogg tier (50 = 1 s pages: fewer writes, 1 s more delay)',
  restreamImage: 'PNG/JPEG sent as the video of restreams asked for with video: image (docs/restream.md)',
  redisUrl: 'with --database-url: run as a cluster node',
  databaseUrl: 'PostgreSQL for a cluster node',
  pgSchema: 'PostgreSQL schema',
  redisPrefix: 'Redis key and channel prefix',
  nodeId: "this node's id in a cluster",
  publicUrl: 'how other nodes and clients reach this node',
  homeLeaseMs: "lease on a Space's home node; failover takes about this long",
  drainMs: 'on SIGTERM, listeners are moved to other nodes over this long (jittered)',
  maxListeners: 'WebSocket listeners per node; above it: waiting room or LL-HLS',
  joinRate: 'listener joins per second per node',
  joinBurst: 'listener joins admitted at once (burst)',
  maxWaiting: 'places in the waiting room',
  addressJoinRate: 'joins per second per client address (loopback exempt unless proxies are trusted)',
  trustedProxies:
    'comma-separated addresses / CIDR ranges of your reverse proxies (e.g. 127.0.0.1): their X-Forwarded-For names the client for every per-address limit; set it behind the shipped nginx config (docs/security.md)',
  requestTimeoutMs:
    'a client has this long to send a whole request (headers within 10 s); slower ones get 408',
  maxConnectionsPerAddress:
    'connections one client address may hold open (TCP, listen sockets, Ogg streams, held LL-HLS requests); 0 = no cap',
  stageThread:
    "run the speakers' WebRTC, forwarding and mixers on their own worker thread; false (or 0) runs them on the main thread (docs/stage.md)",
  stageNice:
    "nice value of that thread and its mixers, -20..0, so speakers' packets do not wait behind the listener fan-out; needs CAP_SYS_NICE (root, or AmbientCapabilities=CAP_SYS_NICE under systemd), else it is logged and left as is",
  captions:
    "live captions: pocketsphinx (Debian's pocketsphinx + pocketsphinx-en-us, one process per speaker) or off; see docs/captions.md",
  captionsModelDir: 'pocketsphinx model folder (holds en-us/, en-us.lm.bin, cmudict-en-us.dict)',
  webhookUrls:
    "the deployment's webhook endpoints, comma-separated; each gets every event (docs/webhooks.md)",
  webhookSecret:
    'signing secret of those endpoints, whsec_ + base64 (Standard Webhooks); required with --webhook-urls',
  spaceWebhooks: 'may a host set an endpoint for their own Space: off, https (https URLs only) or any',
  webhookMaxAttempts:
    'attempts per delivery before it is given up (retries back off from 5 s to 4 h, about 8 h in all)',
} as const;
