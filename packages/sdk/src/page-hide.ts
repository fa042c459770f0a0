/**
 * Listening for the page going away (`pagehide`), for a room that leaves before it is gone.
 */

/**
 * Calls `listener` when the page goes away; returns the function that stops listening.
 *
 * It runs a second time unless its first run stopped listening. Firefox cancels the script it
 * finds running (or the next to run) once it shuts a closed tab's process down
 * (`dom.abort_script_on_child_shutdown`, in HangMonitorChild), at whatever point that script has
 * reached: in about 1 close in 10 (page-close.spec.ts) that was this listener, before it sent
 * anything. In those runs it cancelled one script per shutdown (the listeners after a cancelled
 * one ran in full), so a second listener, a script of its own, finishes what the first began
 * (a first run cut inside the signaling write leaves that unwritable: see `writableAgain`).
 * Both are bubble-phase listeners, added one after the other: an app's own `pagehide` listeners
 * added before the room run before it, as with one listener.
 */
export function onPageHide(listener: () => void): () => void {
  const again = () => listener();
  for (const each of [listener, again]) globalThis.addEventListener?.('pagehide', each);
  return () => {
    for (const each of [listener, again]) globalThis.removeEventListener?.('pagehide', each);
  };
}
