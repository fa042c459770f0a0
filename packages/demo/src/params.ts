/**
 * The page's settings as they travel in its URL, so a link reproduces a call: `?room=` to share a
 * room, `?relay=1` to force relay, `?ondemand=1` for TURN on demand, `?server=` to reach a server
 * on another origin, `?name=` for the display name.
 */
export interface DemoParams {
  room: string;
  name: string;
  relay: boolean;
  onDemand: boolean;
  /** The signaling server's base URL; the page's own origin unless `?server=` says otherwise. */
  server: string;
}

/** `room` is empty until the page picks a random one, so strangers do not share a call by default. */
export const demoParamDefaults = {
  room: '',
  name: '',
  relay: false,
  onDemand: false,
} satisfies Omit<DemoParams, 'server'>;

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'on']);

/** Reads the settings from a page URL. */
export function readDemoParams(href: string): DemoParams {
  const url = new URL(href);
  const query = url.searchParams;
  const flag = (key: string): boolean | undefined =>
    query.has(key) ? TRUE_VALUES.has((query.get(key) ?? '').toLowerCase()) : undefined;
  const given: Partial<DemoParams> = {
    room: query.get('room')?.trim() || undefined,
    name: query.get('name')?.trim() || undefined,
    relay: flag('relay'),
    onDemand: flag('ondemand'),
  };
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...demoParamDefaults, ...defined, server: query.get('server')?.trim() || url.origin };
}

/**
 * The URL that reproduces these settings from `href`: the room always, the toggles only when on,
 * the server only when it is not the page's own origin. The display name stays out of shared links.
 */
export function writeDemoParams(href: string, params: DemoParams): string {
  const url = new URL(href);
  const query = url.searchParams;
  query.set('room', params.room);
  setFlag(query, 'relay', params.relay);
  setFlag(query, 'ondemand', params.onDemand);
  query.delete('name');
  if (params.server === url.origin) query.delete('server');
  else query.set('server', params.server);
  return url.toString();
}

function setFlag(query: URLSearchParams, key: string, on: boolean): void {
  if (on) query.set(key, '1');
  else query.delete(key);
}

/** A random room name for a fresh visit, so two strangers do not land in the same call. */
export function randomRoomName(random: () => number = Math.random): string {
  return `room-${Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}
