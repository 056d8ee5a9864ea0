import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });

// A page restored from the back/forward cache has closed its connections on the way out
// (pagehide); loading it afresh joins the room again.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload();
});
