/**
 * Before each suite's own setup, the event loop is left free for a moment. Jest runs the suites in
 * one process after its global setup, which polled the API over keep-alive connections; loading a
 * suite (compiling it, importing Playwright) blocks the loop for seconds on a busy machine, past the
 * API's 5 s keep-alive timeout, while fetch's idle timers cannot fire. The suite's first request then
 * went out on a connection the API had just closed ("other side closed"). Given a free second and
 * a half, fetch drops its stale connections first and the first request opens a fresh one.
 */
beforeAll(() => new Promise((resolve) => setTimeout(resolve, 1_500)));
