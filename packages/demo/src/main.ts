/**
 * The demo page: settings from the URL and the form, a call through the SDK, and every panel
 * redrawn from one state object (also published as `window.__demo` for tests).
 */
import { checkNetwork as sdkCheckNetwork } from '@icelane/sdk';
import { startCall, type Call } from './call.js';
import { createChat } from './chat.js';
import { createDemoState, type DemoState, type PeerView } from './demo-state.js';
import { byId, setText } from './dom.js';
import { renderIcePanel } from './ice-panel.js';
import { openLocalMedia } from './media.js';
import { fetchIceConfig, gatherCandidates, renderVerdict } from './network-check.js';
import { judgeNetwork } from './network-verdict.js';
import { randomRoomName, readDemoParams, writeDemoParams, type DemoParams } from './params.js';
import { createPeerPanel, type PeerPanel } from './peer-panel.js';
import { renderShareQr } from './share-qr.js';

const state = createDemoState();
const params = readDemoParams(location.href);
if (!params.room) params.room = randomRoomName();

const form = {
  element: byId<HTMLFormElement>('join-form'),
  room: byId<HTMLInputElement>('room'),
  name: byId<HTMLInputElement>('name'),
  useMedia: byId<HTMLInputElement>('use-media'),
  relay: byId<HTMLInputElement>('relay'),
  onDemand: byId<HTMLInputElement>('ondemand'),
  join: byId<HTMLButtonElement>('join'),
  leave: byId<HTMLButtonElement>('leave'),
};
form.room.value = params.room;
form.name.value = params.name;
form.relay.checked = params.relay;
form.onDemand.checked = params.onDemand;

const panels = new Map<string, PeerPanel>();
const chat = createChat((text) => call?.sendChat(text));
let call: Call | null = null;
let localStream: MediaStream | null = null;

function currentParams(): DemoParams {
  return {
    ...params,
    room: form.room.value.trim(),
    name: form.name.value.trim(),
    relay: form.relay.checked,
    onDemand: form.onDemand.checked,
  };
}

function syncUrl(): void {
  const href = writeDemoParams(location.href, currentParams());
  history.replaceState(null, '', href);
  const link = byId<HTMLAnchorElement>('share-link');
  link.href = href;
  link.textContent = href;
  renderShareQr(byId('share-qr'), href);
}

for (const input of [form.room, form.relay, form.onDemand])
  input.addEventListener('change', syncUrl);

form.element.addEventListener('submit', (event) => {
  event.preventDefault();
  void join();
});
form.leave.addEventListener('click', () => void leave());
// The SDK leaves the room on `pagehide`; a page restored from the back/forward cache would show
// that call still going: the page starts afresh instead (its URL keeps the room to join).
addEventListener('pageshow', (event) => {
  if (event.persisted && call) location.reload();
});

async function join(): Promise<void> {
  if (call || state.status === 'joining') return;
  syncUrl();
  const settings = currentParams();
  Object.assign(state, {
    status: 'joining',
    error: null,
    errorCode: null,
    strategy: settings.relay ? 'relay' : 'auto',
    turnOnDemand: settings.onDemand,
  } satisfies Partial<DemoState>);
  render();
  if (form.useMedia.checked && !localStream) {
    const media = await openLocalMedia();
    localStream = media.stream;
    state.media = media.status;
    showMediaMessage(media.status === 'on' ? null : media.message);
    byId<HTMLVideoElement>('local-video').srcObject = localStream;
    showNoVideo('no camera', (localStream?.getVideoTracks().length ?? 0) === 0);
  } else if (!form.useMedia.checked) {
    showNoVideo('no camera', true);
  }
  try {
    call = await startCall(
      state,
      { ...settings, media: form.useMedia.checked ? localStream : null },
      { changed: render, stream: showStream },
    );
    state.status = 'joined';
  } catch (error) {
    state.status = 'error';
    state.error = (error as Error).message;
    state.errorCode = errorCode(error);
  }
  render();
}

async function leave(): Promise<void> {
  if (!call) return;
  const leaving = call;
  call = null;
  state.status = 'leaving';
  render();
  await leaving.leave().catch(() => {});
  // The camera light goes off with the call; the next join asks for the devices again.
  for (const track of localStream?.getTracks() ?? []) track.stop();
  localStream = null;
  byId<HTMLVideoElement>('local-video').srcObject = null;
  showNoVideo(BEFORE_JOIN, true);
  Object.assign(state, {
    status: 'idle',
    room: null,
    peerId: null,
    ice: null,
    peers: {},
    signaling: null,
  });
  render();
}

function panelFor(view: PeerView): PeerPanel {
  let panel = panels.get(view.peerId);
  if (!panel) {
    panel = createPeerPanel(view);
    panels.set(view.peerId, panel);
    byId('tiles').append(panel.element);
  }
  return panel;
}

function showStream(peerId: string, stream: MediaStream): void {
  const view = state.peers[peerId];
  if (view) panelFor(view).setStream(stream);
}

/** Before Join the camera is not open yet: the tile says so rather than "no camera". */
const BEFORE_JOIN = 'the camera opens at Join';

function showNoVideo(text: string, shown: boolean): void {
  const element = byId('local-no-video');
  element.textContent = text;
  element.hidden = !shown;
}

function render(): void {
  // The page's layout follows the call: the form gives way once joined (styles.css).
  document.body.dataset.status = state.status;
  const status = byId('status');
  status.dataset.status = state.status;
  setText(status, describeStatus(state));
  const error = byId('error');
  error.hidden = state.error === null;
  setText(error, state.error ?? '');
  if (state.errorCode) error.dataset.code = state.errorCode;
  else delete error.dataset.code;

  form.join.disabled = state.status === 'joining' || state.status === 'joined';
  form.leave.disabled = state.status !== 'joined';
  for (const input of [form.room, form.name, form.useMedia, form.relay, form.onDemand]) {
    input.disabled = state.status === 'joining' || state.status === 'joined';
  }
  setText(byId('local-id'), state.peerId ? `(${state.peerId.slice(0, 8)})` : '');
  setText(
    byId('local-info'),
    state.peerId
      ? `strategy ${state.strategy}${state.turnOnDemand ? ' · TURN on demand' : ''} · signaling ${state.signaling ?? 'connected'}`
      : '',
  );

  for (const [peerId, panel] of panels) {
    if (!state.peers[peerId]) {
      panel.element.remove();
      panels.delete(peerId);
    }
  }
  for (const view of Object.values(state.peers)) panelFor(view).render(view, state.strategy);
  renderIcePanel(byId('ice-panel'), state.ice, state.strategy);
  chat.render(state);
}

function describeStatus(s: DemoState): string {
  switch (s.status) {
    case 'idle':
      return 'Not in a room.';
    case 'joining':
      return 'Joining…';
    case 'joined': {
      const count = Object.keys(s.peers).length;
      const lost =
        s.signaling === 'reconnecting' || s.signaling === 'disconnected'
          ? ` The connection to the server is ${s.signaling}: calls in progress go on, new peers wait.`
          : '';
      return `In room ${s.room} with ${count} other peer${count === 1 ? '' : 's'}.${lost}`;
    }
    case 'leaving':
      return 'Leaving…';
    case 'error':
      return 'Not in a room.';
  }
}

function showMediaMessage(message: string | null): void {
  const element = byId('media-message');
  element.hidden = message === null;
  element.textContent = message ?? '';
  element.dataset.media = state.media ?? '';
}

function errorCode(error: unknown): string | null {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : null;
}

byId<HTMLButtonElement>('network-check').addEventListener('click', () => void checkNetwork());

async function checkNetwork(): Promise<void> {
  const result = byId('network-result');
  const button = byId<HTMLButtonElement>('network-check');
  state.network = { status: 'running', verdict: null, error: null };
  result.dataset.status = 'running';
  result.textContent = 'Gathering candidates…';
  button.disabled = true;
  try {
    const config = call ? call.room.ice : await fetchIceConfig(currentParams().server);
    const [gathering, network] = await Promise.all([
      gatherCandidates(config),
      sdkCheckNetwork(config, { turn: false }),
    ]);
    const verdict = judgeNetwork(gathering);
    state.network = { status: 'done', verdict, error: null };
    renderVerdict(result, verdict, gathering, network);
  } catch (error) {
    state.network = { status: 'error', verdict: null, error: (error as Error).message };
    result.textContent = (error as Error).message;
  } finally {
    result.dataset.status = state.network.status;
    button.disabled = false;
  }
}

syncUrl();
render();
