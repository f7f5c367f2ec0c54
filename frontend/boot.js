// Starts the web app. A file of its own, not an inline script, so the Content-Security-Policy
// can refuse every inline script (script-src 'self').
import init, { run } from './pkg/crocevia_frontend.js';
await init();
run();
