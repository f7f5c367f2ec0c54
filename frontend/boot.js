// Starts the web app. A file of its own, not an inline script, so the Content-Security-Policy
// can refuse every inline script (script-src 'self'). The build fills in the content-hashed
// names of the wasm-bindgen glue and the wasm (deploy/scripts/build-web.sh).
import init, { run } from '@GLUE@';
await init({ module_or_path: new URL('@WASM@', import.meta.url) });
run();
