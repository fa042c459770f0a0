/** A small element builder: the page is plain DOM, and this keeps its construction readable. */
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value !== undefined) element.setAttribute(key, value);
  }
  for (const child of children) {
    if (child) element.append(child);
  }
  return element;
}

/**
 * What each element redrawn by {@link redraw} shows now. The page renders on every call event
 * (about three times a second in a call), and children redrawn each time drop a selection in
 * them, an address or a log line being copied, at once.
 */
const drawn = new WeakMap<Element, string>();

/** Replaces `element`'s children with `children()` only when `content`, a key of what they show, changed. */
export function redraw(element: Element, content: string, children: () => Child[]): void {
  if (drawn.get(element) === content) return;
  element.replaceChildren(...children().filter((child): child is Node | string => Boolean(child)));
  drawn.set(element, content);
}

/** Sets `element`'s text only when it changed, for the same reason as {@link redraw}. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Finds an element the page's HTML declares; a missing one is a bug in the page, not user input. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Milliseconds as a person reads them: "850 ms", "1.2 s", "4 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
