/** The data-channel chat: a line typed here reaches every peer in the room. */
import type { DemoState } from './demo-state.js';
import { byId, h } from './dom.js';
import { CHAT_MAX_LENGTH } from './messages.js';

export interface Chat {
  render(state: DemoState): void;
}

export function createChat(onSend: (text: string) => void): Chat {
  const form = byId<HTMLFormElement>('chat-form');
  const input = byId<HTMLInputElement>('chat-input');
  const button = byId<HTMLButtonElement>('chat-send');
  const lines = byId<HTMLOListElement>('chat-lines');
  input.maxLength = CHAT_MAX_LENGTH;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    onSend(text);
    input.value = '';
  });
  let shown = 0;
  return {
    render(state) {
      const canSend = state.status === 'joined';
      input.disabled = !canSend;
      button.disabled = !canSend;
      if (state.chat.length < shown) {
        lines.replaceChildren();
        shown = 0;
      }
      for (const entry of state.chat.slice(shown)) {
        lines.append(
          h(
            'li',
            { class: entry.own ? 'own' : '' },
            h('time', {}, new Date(entry.at).toLocaleTimeString()),
            h('b', {}, entry.from),
            h('span', { class: 'text' }, entry.text),
          ),
        );
      }
      shown = state.chat.length;
      lines.scrollTop = lines.scrollHeight;
    },
  };
}
