/**
 * Listening for the page going away (`pagehide`), for a room that leaves before it is gone.
 */

/** Capture and bubble: at the window a listener added in both runs twice, unless it is removed. */
const PHASES = [true, false];

/**
 * Calls `listener` when the page goes away; returns the function that stops listening.
 *
 * It runs a second time unless its first run stopped listening. Firefox cancels the first script
 * that runs once it shuts a closed tab's process down (`dom.abort_script_on_child_shutdown`, in
 * HangMonitorChild), at whatever point that script has reached: in about 1 close in 10
 * (page-close.spec.ts) that was this listener, before it sent anything. It cancels one script
 * per shutdown (the listeners after a cancelled one ran in full), so the second run, a script of
 * its own, finishes what the first began: the listener must be safe to run again from any point.
 */
export function onPageHide(listener: () => void): () => void {
  for (const capture of PHASES) globalThis.addEventListener?.('pagehide', listener, capture);
  return () => {
    for (const capture of PHASES) globalThis.removeEventListener?.('pagehide', listener, capture);
  };
}
