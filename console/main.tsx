// The console's entry: loads who is signed in, then renders the page the address names.
import { render } from 'preact';
import { App } from './app';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
