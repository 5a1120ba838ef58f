import { mount } from 'svelte';
import Shell from './ui/Shell.svelte';
import './ui/global.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
target.replaceChildren();
mount(Shell, { target });
